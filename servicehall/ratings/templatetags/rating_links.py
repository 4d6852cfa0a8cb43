"""The rating link's QR code on a printed slip or notice: ``{% load rating_links %}{% rating_qr "ticket" ticket.pk %}``.

The token is the matter's own (the same as on the rating device and in the SMS link), so it
can be printed before the matter is finished; it rates the matter once it is, within the
policy's days."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from servicehall.ratings import services

register = template.Library()


@register.simple_tag
def rating_qr(kind: str, matter_id: int, step: str = "") -> str:
    token = services.matter_token(kind, int(matter_id), step)
    return format_html(
        '<div class="slip-rating" data-testid="rating-qr"><img src="{}" alt="" width="120" height="120">'
        "<div>{}</div></div>",
        reverse("ratings:qr", args=[token]),
        gettext("办结后扫码评价"),
    )


@register.inclusion_tag("ratings/_public_appraisal.html")
def appraisal_links(center) -> dict:
    """On the center's public page: the questionnaire while an appraisal is open (EVA-6), and the
    published results."""
    from servicehall.ratings import selectors

    return {"center": center, **selectors.appraisal_states(center)}
