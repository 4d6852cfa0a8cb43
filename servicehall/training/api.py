"""Training (TRN-1 … TRN-3): the annual plan, sessions, attendance and each person's hours."""

from ninja import Router

router = Router(tags=["training"])
