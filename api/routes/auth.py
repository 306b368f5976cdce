"""Login, logout, the current user, password changes and personal API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from api.access import ANY, require
from api.auth import LoginLimiter, clear_session_cookies, session_token, set_session_cookies
from api.errors import BadRequest, NotFound, TooManyRequests, Unauthenticated
from api.params import RowId
from api.state import AppState, get_state
from core.users import Users

__all__ = ["router"]

router = APIRouter(prefix="/api/auth", tags=["auth"])


class LoginBody(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class PasswordBody(BaseModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class KeyBody(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class LoggedIn(BaseModel):
    username: str
    role: str
    must_change_password: bool
    csrf_token: str


class Ok(BaseModel):
    ok: bool = True


class Me(BaseModel):
    username: str
    role: str
    groups: list[str]
    via: str
    must_change_password: bool
    csrf_token: str | None


class KeyOut(BaseModel):
    """An API key as listed: never the key itself."""

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class KeyList(BaseModel):
    keys: list[KeyOut]


class NewKey(BaseModel):
    """The key is shown only in this answer."""

    id: int
    name: str
    key: str


def _limiter(request: Request) -> LoginLimiter:
    limiter: LoginLimiter = request.app.state.login_limiter
    return limiter


def _ip(request: Request) -> str:
    return request.client.host if request.client else ""


@router.post("/login", summary="Log in with a user name and password; sets the session cookie")
def login(body: LoginBody, request: Request, response: Response) -> LoggedIn:
    base: AppState = request.app.state.faldone
    limiter, ip = _limiter(request), _ip(request)
    wait = limiter.retry_after(body.username, ip)
    if wait:
        raise TooManyRequests("too many failed logins; try again later", retry_after=wait)
    users = Users(base.catalog)
    principal = users.authenticate(body.username, body.password)
    if principal is None or principal.user_id is None:
        limiter.failed(body.username, ip)
        base.audit.record(body.username[:64], "", "auth.login_failed", ip=ip)
        raise Unauthenticated("wrong user name or password")
    limiter.succeeded(body.username, ip)
    token, csrf = users.new_session(principal.user_id)
    base.audit.record(principal.username, principal.role, "auth.login", ip=ip)
    set_session_cookies(response, request, users.sign(token), csrf)
    return LoggedIn(
        username=principal.username,
        role=principal.role,
        must_change_password=principal.must_change_password,
        csrf_token=csrf,
    )


@router.post(
    "/logout", summary="End the session", dependencies=[Depends(require(*ANY, during_password_change=True))]
)
def logout(request: Request, response: Response, state: Annotated[AppState, Depends(get_state)]) -> Ok:
    token = session_token(request, state)
    if token:
        Users(state.catalog).end_session(token)
    clear_session_cookies(response)
    return Ok()


@router.get(
    "/me",
    summary="Who I am: user name, role, groups",
    dependencies=[Depends(require(*ANY, during_password_change=True))],
)
def me(state: Annotated[AppState, Depends(get_state)]) -> Me:
    p = state.principal
    return Me(
        username=p.username,
        role=p.role,
        groups=sorted(p.groups),
        via=p.via,
        must_change_password=p.must_change_password,
        csrf_token=p.csrf,
    )


@router.post(
    "/password",
    summary="Change my password (ends my other sessions)",
    dependencies=[Depends(require(*ANY, during_password_change=True))],
)
def change_password(
    body: PasswordBody, request: Request, response: Response, state: Annotated[AppState, Depends(get_state)]
) -> Ok:
    p = state.principal
    users = Users(state.catalog)
    if p.user_id is None:
        raise BadRequest("the local admin has no password")
    limiter, ip = _limiter(request), _ip(request)
    if limiter.retry_after(p.username, ip):
        raise TooManyRequests("too many failed attempts; try again later")
    if users.authenticate(p.username, body.current_password) is None:
        limiter.failed(p.username, ip)
        raise BadRequest("the current password is wrong")
    if body.new_password == body.current_password:
        raise BadRequest("choose a new password")
    users.set_password(p.username, body.new_password)
    state.audit.record(p.username, p.role, "auth.password_changed", ip=ip)
    if p.via == "session":
        token, csrf = users.new_session(p.user_id)
        set_session_cookies(response, request, users.sign(token), csrf)
    return Ok()


@router.get("/keys", summary="My API keys (never the keys themselves)", dependencies=[Depends(require(*ANY))])
def list_keys(state: Annotated[AppState, Depends(get_state)]) -> KeyList:
    if state.principal.user_id is None:
        return KeyList(keys=[])
    return KeyList.model_validate({"keys": Users(state.catalog).api_keys(state.principal.user_id)})


@router.post(
    "/keys",
    status_code=201,
    summary="Create an API key; the key is shown only in this answer",
    dependencies=[Depends(require(*ANY))],
)
def create_key(body: KeyBody, state: Annotated[AppState, Depends(get_state)]) -> NewKey:
    p = state.principal
    if p.user_id is None:
        raise BadRequest("the local admin cannot hold API keys")
    key_id, key = Users(state.catalog).create_api_key(p.user_id, body.name)
    state.audit.record(
        p.username, p.role, "auth.api_key_created", target=str(key_id), detail={"name": body.name}
    )
    return NewKey(id=key_id, name=body.name, key=key)


@router.delete(
    "/keys/{key_id}",
    status_code=204,
    summary="Revoke one of my API keys",
    dependencies=[Depends(require(*ANY))],
)
def revoke_key(key_id: RowId, state: Annotated[AppState, Depends(get_state)]) -> Response:
    p = state.principal
    if p.user_id is None or not Users(state.catalog).revoke_api_key(p.user_id, key_id):
        raise NotFound(f"no API key {key_id}")
    state.audit.record(p.username, p.role, "auth.api_key_revoked", target=str(key_id))
    return Response(status_code=204)
