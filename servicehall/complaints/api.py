"""Complaints (CMP-1 … CMP-8, INQ-3): register by every channel, answer within the policy's working days, follow until concluded."""

from ninja import Router

router = Router(tags=["complaints"])
public_router = Router(tags=["public"], auth=None)  # mounted under /api/v1/public
