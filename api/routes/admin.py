"""Administration (admins only): users, roles, groups and collections."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from api.access import ADMIN, require
from api.errors import BadRequest, NotFound
from api.state import AppState, get_state
from core.models import DocumentRow
from core.users import ROLES, Collections, UserInfo, Users

__all__ = ["router"]

router = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=[Depends(require(*ADMIN))])

State = Annotated[AppState, Depends(get_state)]


class NewUser(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    role: str = Field(description=f"one of {', '.join(ROLES)}")
    groups: list[str] = Field(default_factory=list, max_length=100)
    password: str | None = Field(default=None, max_length=1024, description="omitted: a one-time password")


class UserChange(BaseModel):
    role: str | None = None
    groups: list[str] | None = Field(default=None, max_length=100)
    active: bool | None = None


class CollectionBody(BaseModel):
    pattern: str = Field(min_length=1, max_length=255, description="glob on the document source, e.g. imap:*")
    groups: list[str] = Field(default_factory=list, max_length=100)
    description: str = Field(default="", max_length=2000)


class UserList(BaseModel):
    users: list[UserInfo]  # the schema is core's own record
    roles: list[str]


class Password(BaseModel):
    """A one-time password is shown only in this answer (None when the admin chose one)."""

    username: str
    password: str | None


class CollectionOut(BaseModel):
    pattern: str
    groups: list[str]
    description: str


class CollectionList(BaseModel):
    collections: list[CollectionOut]


class SourceOut(BaseModel):
    source: str
    documents: int
    groups: list[str]


class SourceList(BaseModel):
    sources: list[SourceOut]


def _audit(state: AppState, action: str, target: str, **detail: Any) -> None:
    state.audit.record(state.principal.username, state.principal.role, action, target=target, detail=detail)


@router.get("/users", summary="All users")
def list_users(state: State) -> UserList:
    return UserList(users=Users(state.catalog).all(), roles=list(ROLES))


@router.post("/users", status_code=201, summary="Create a user (a one-time password unless one is given)")
def create_user(body: NewUser, state: State) -> Password:
    password = Users(state.catalog).create(body.username, body.role, body.groups, body.password)
    _audit(state, "admin.user_created", body.username, role=body.role, groups=body.groups)
    return Password(username=body.username, password=None if body.password else password)


@router.patch("/users/{username}", summary="Change a user's role, groups or active flag")
def update_user(username: str, body: UserChange, state: State) -> UserInfo:
    info = Users(state.catalog).update(username, role=body.role, groups=body.groups, active=body.active)
    _audit(state, "admin.user_changed", username, **body.model_dump(exclude_none=True))
    return info


@router.post("/users/{username}/password", summary="Reset a password to a one-time password")
def reset_password(username: str, state: State) -> Password:
    import secrets

    password = secrets.token_urlsafe(15)
    Users(state.catalog).set_password(username, password, must_change=True)
    _audit(state, "admin.password_reset", username)
    return Password(username=username, password=password)


@router.delete("/users/{username}", status_code=204, summary="Delete a user, their keys and sessions")
def delete_user(username: str, state: State) -> Response:
    if username == state.principal.username:
        raise BadRequest("you cannot delete yourself")
    if not Users(state.catalog).delete(username):
        raise NotFound(f"no user {username!r}")
    _audit(state, "admin.user_deleted", username)
    return Response(status_code=204)


@router.get("/collections", summary="Source patterns and the groups that may see them")
def list_collections(state: State) -> CollectionList:
    return CollectionList.model_validate({"collections": Collections(state.catalog).all()})


@router.put("/collections", summary="Create or change a collection")
def set_collection(body: CollectionBody, state: State) -> CollectionList:
    Collections(state.catalog).set(body.pattern, body.groups, body.description)
    _audit(state, "admin.collection_set", body.pattern, groups=body.groups)
    return CollectionList.model_validate({"collections": Collections(state.catalog).all()})


@router.delete("/collections", status_code=204, summary="Remove a collection (its sources become admin-only)")
def delete_collection(state: State, pattern: Annotated[str, Query(min_length=1, max_length=255)]) -> Response:
    if not Collections(state.catalog).delete(pattern):
        raise NotFound(f"no collection {pattern!r}")
    _audit(state, "admin.collection_deleted", pattern)
    return Response(status_code=204)


@router.get("/sources", summary="Document sources, how many documents each, and who may see them")
def list_sources(state: State) -> SourceList:
    collections = Collections(state.catalog)
    with state.catalog.session() as s:
        counts = s.execute(select(DocumentRow.source, func.count()).group_by(DocumentRow.source)).all()
    return SourceList(
        sources=[
            SourceOut(source=source, documents=count, groups=sorted(collections.groups_for_source(source)))
            for source, count in counts
        ]
    )
