"""``{% calendar_notices %}``: the calendar's warning and year-page links, for any page (the home page)."""

from django import template

from servicehall.core import clock
from servicehall.org import access
from servicehall.workdays import selectors

register = template.Library()


@register.inclusion_tag("workdays/notices.html", takes_context=True)
def calendar_notices(context):
    """The system administrator sees the warning 60 days before the last published year ends;
    the administrator and directors get a link to the year page of each center they edit."""
    user = context["request"].user
    can_load = selectors.can_manage_calendar(user)
    centers = [c for c in access.centers_of(user) if selectors.can_edit_closures(user, c)]
    return {
        "warning": selectors.schedule_warning() if can_load else None,
        "can_load": can_load,
        "centers": centers,
        "year": clock.today().year,
    }
