"""The administrator's accounts page: who is locked out, and the buttons to unlock or lock."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from servicehall.core.errors import DomainError
from servicehall.core.roles import Role
from servicehall.org import accounts
from servicehall.org.models import RoleAssignment

ACTIONS = {
    "unlock": (accounts.unlock, gettext_lazy("已解锁账号 %(username)s。")),
    "lock": (accounts.hold, gettext_lazy("已锁定账号 %(username)s，其 API 令牌和登录已失效。")),
    "revoke": (accounts.tokens_revoke, gettext_lazy("已注销账号 %(username)s 的全部 API 令牌。")),
}


def _require_sysadmin(user) -> None:
    if not RoleAssignment.objects.filter(user=user, role=Role.SYSADMIN).exists():
        raise PermissionDenied(_("只有系统管理员可以管理账号。"))


@login_required
@require_GET
def accounts_page(request):
    _require_sysadmin(request.user)
    rows = accounts.accounts_for(request.user)
    return render(request, "org/accounts.html", {"accounts": rows})


@login_required
@require_POST
def account_action(request, username: str, action: str):
    _require_sysadmin(request.user)
    if action not in ACTIONS:
        raise PermissionDenied(_("未知的操作。"))
    do, done = ACTIONS[action]
    try:
        user = accounts.account_by_username(request.user, username)
        do(actor=request.user, user=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done % {"username": user.get_username()})
    return redirect("accounts")
