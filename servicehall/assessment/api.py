"""The 100-point assessment (ASM-1 … ASM-8), the duty ledger and closing checks (DUT-6, DUT-7), supervision findings (SUP-1, SUP-2) and awards."""

from ninja import Router

router = Router(tags=["assessment"])
