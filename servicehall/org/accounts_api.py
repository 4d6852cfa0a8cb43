"""The administrator's account actions on the API: list, unlock, lock, end tokens."""

import datetime as dt

from ninja import Router, Schema

from servicehall.core import auth
from servicehall.core.api import ErrorOut, RevokedOut, TokenInfoOut
from servicehall.org import accounts

router = Router(tags=["accounts"])


class AccountOut(Schema):
    username: str
    name: str
    active: bool
    failures: int
    locked_until: dt.datetime | None
    held: bool
    held_at: dt.datetime | None
    must_change_password: bool
    tokens: int
    auditor: bool


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get("/accounts", response={200: list[AccountOut], 401: ErrorOut})
def account_list(request):
    """The accounts of the centers the caller administers, with their lock state."""
    return accounts.accounts_for(request.user)


@router.get("/accounts/{username}", response={200: AccountOut, **ERRORS})
def account_detail(request, username: str):
    return accounts.state_of(accounts.account_by_username(request.user, username))


@router.post("/accounts/{username}/unlock", response={200: AccountOut, **ERRORS})
def account_unlock(request, username: str):
    """Lift the lockout after failed logins (and an administrator's lock). Audited."""
    user = accounts.account_by_username(request.user, username)
    return accounts.unlock(actor=request.user, user=user)


@router.post("/accounts/{username}/lock", response={200: AccountOut, **ERRORS})
def account_lock(request, username: str):
    """Lock the account until an administrator unlocks it; its tokens and sessions end. Audited."""
    user = accounts.account_by_username(request.user, username)
    return accounts.hold(actor=request.user, user=user)


@router.get("/accounts/{username}/tokens", response={200: list[TokenInfoOut], **ERRORS})
def account_tokens(request, username: str):
    user = accounts.account_by_username(request.user, username)
    accounts.require_not_auditor(request.user, user)
    return [auth.token_out(t) for t in auth.tokens_of(user)]


@router.post("/accounts/{username}/tokens/revoke", response={200: RevokedOut, **ERRORS})
def account_tokens_revoke(request, username: str):
    """End every API token of the account. Audited."""
    user = accounts.account_by_username(request.user, username)
    return {"revoked": accounts.tokens_revoke(actor=request.user, user=user)}
