from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from servicehall.cases import rules as case_rules
from servicehall.cases import selectors as cases
from servicehall.core import clock, todo
from servicehall.core.roles import Role
from servicehall.org import access, selectors
from servicehall.org.menu import links_for
from servicehall.tickets import selectors as tickets

SEES_WINDOWS = {
    Role.DIRECTOR,
    Role.DEPUTY_LEADER,
    Role.PRINCIPAL_LEADER,
    Role.SUPERVISOR,
    Role.SYSADMIN,
    Role.DUTY_OFFICER,
    Role.DEPARTMENT_HEAD,
}

# Who runs the hall and sees it at a glance on the workbench: the queue, the windows, the cases.
SEES_HALL = {Role.DIRECTOR, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER, Role.SUPERVISOR, Role.DUTY_OFFICER}
HALL_CASES = 8  # the most urgent red and yellow cases listed


def hall_at_a_glance(center) -> dict:
    """The queue now (per line: waiting and the longest wait), the windows by state, the red and
    yellow cases of the center and those below it, and green-channel tickets waiting too long."""
    now = clock.now()
    board = cases.board(center, now=now, limit=HALL_CASES)
    return {
        **tickets.hall_now(center, now),
        "board": board,
        "flagged": [c for c in board.urgent if c.colour in (case_rules.RED, case_rules.YELLOW)],
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
                "hall": hall_at_a_glance(center) if roles & SEES_HALL else None,
                "roles": [Role(r).label for r in sorted(roles)],
                "windows": windows,
                "links": links,
            }
        )
    context = {"memberships": memberships, "today": today, "todo": todo.todo_for(request.user)}
    return render(request, "core/home.html", context)
