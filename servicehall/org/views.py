from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from servicehall.core import clock
from servicehall.core.roles import Role
from servicehall.org import access, selectors
from servicehall.org.menu import links_for

SEES_WINDOWS = {
    Role.DIRECTOR,
    Role.DEPUTY_LEADER,
    Role.PRINCIPAL_LEADER,
    Role.SUPERVISOR,
    Role.SYSADMIN,
    Role.DUTY_OFFICER,
    Role.DEPARTMENT_HEAD,
}


@login_required
@require_GET
def home(request):
    """The workbench: per center, the person's roles and what each role looks after."""
    today = clock.today()
    memberships = []
    for center in access.centers_of(request.user):
        roles = access.roles_in(request.user, center)
        links = links_for(request.user, center, roles)
        windows = selectors.windows_with_holders(center, today) if roles & SEES_WINDOWS else None
        if windows is None and Role.WINDOW_STAFF in roles:
            windows = [
                w
                for w in selectors.windows_with_holders(center, today)
                if request.user.pk
                in {getattr(w.holder_a, "user_id", None), getattr(w.holder_b, "user_id", None)}
            ]
        memberships.append(
            {
                "center": center,
                "roles": [Role(r).label for r in sorted(roles)],
                "windows": windows,
                "links": links,
            }
        )
    return render(request, "core/home.html", {"memberships": memberships, "today": today})
