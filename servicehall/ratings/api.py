"""Ratings and revisits (EVA-1 … EVA-6): the rating device, one rating per matter, revisits, appraisal, satisfaction."""

from ninja import Router

router = Router(tags=["ratings"])
