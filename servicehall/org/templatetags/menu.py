"""``{% staff_menu %}``: the top menu of every staff page, only what the person's roles may open."""

from django import template

from servicehall.org.menu import top_menu

register = template.Library()


@register.inclusion_tag("org/menu.html", takes_context=True)
def staff_menu(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"links": top_menu(user, request.path if request else "")}
