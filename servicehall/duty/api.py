"""Duty roster, leave, clock-ins and attendance (DUT-1 … DUT-5)."""

from ninja import Router

router = Router(tags=["duty"])
