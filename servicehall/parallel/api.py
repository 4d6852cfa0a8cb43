"""Parallel approval behind the lead window (PAR-1 … PAR-5): participants, opinions, urging, deemed approval, joint meetings."""

from ninja import Router

router = Router(tags=["parallel"])
