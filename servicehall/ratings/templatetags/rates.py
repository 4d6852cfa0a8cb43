"""{{ rate|percent }}: a rate as the ratings pages show it (rules.percent)."""

from django import template

from servicehall.ratings import rules

register = template.Library()


@register.filter
def percent(rate) -> str:
    return rules.percent(rate)
