"""Every legal action is limited to the sources the user may see (admins see all).

- a matter is shown to a user who sees at least one of its documents (or opened
  it), with counts of visible documents only; adding to it, releasing it or
  exporting it needs *every* document it holds to be visible (403 otherwise);
- a query hold opened by a non-admin stores its query restricted to their
  sources, so it never catches another group's documents later;
- a non-admin's retention policy names one source they see, literally (no
  pattern that could reach another group's sources); they change or remove only
  such policies, and list only policies that can touch their sources;
- the retention dry run and run are one code path (`Retention.run`) over the
  user's sources: the dry run reports exactly what the run deletes.
"""

from __future__ import annotations

from api.errors import Forbidden, NotFound
from api.state import AppState, ScopedCatalog
from legal.holds import Holds, Matter

__all__ = ["check_policy_scope", "matter_in_view", "scoped_query", "user_sources", "visible_documents"]

_OUT_OF_SCOPE = "out_of_scope"


def user_sources(state: AppState) -> list[str] | None:
    """The sources this user may act on; None for admins (all of them)."""
    catalog = state.catalog
    return catalog.sources if isinstance(catalog, ScopedCatalog) else None


def visible_documents(state: AppState, ids: list[str]) -> list[str]:
    return [i for i in ids if state.catalog.document(i) is not None]


def scoped_query(query: str, sources: list[str] | None) -> str:
    """A non-admin's hold query, restricted to their sources (stored that way, visible to admins)."""
    if sources is None or not query:
        return query
    if not sources:
        raise Forbidden("you may not see any source / non puoi vedere alcuna fonte", code=_OUT_OF_SCOPE)
    allowed = " OR ".join('"' + src.replace("\\", "\\\\").replace('"', '\\"') + '"' for src in sources)
    return f"({query}) AND source:({allowed})"


def matter_documents(state: AppState, holds: Holds, matter: Matter) -> tuple[list[str], bool]:
    """(documents of the matter this user sees, whether they see all of them)."""
    ids = holds.document_ids(matter.id)
    visible = visible_documents(state, ids)
    return visible, len(visible) == len(ids)


def shown_to(state: AppState, matter: Matter, visible: list[str]) -> bool:
    return bool(visible) or matter.created_by == state.principal.username


def matter_in_view(state: AppState, holds: Holds, matter_id: int, *, act: bool) -> tuple[Matter, list[str]]:
    """The matter with its visible documents; 404 if this user may not see it, 403 to act on a part."""
    matter = holds.get(matter_id)
    if matter is None:
        raise NotFound(f"no matter {matter_id}")
    visible, whole = matter_documents(state, holds, matter)
    if user_sources(state) is None:
        return matter, visible
    if not shown_to(state, matter, visible):
        raise NotFound(f"no matter {matter_id}")
    if act and not whole:
        raise Forbidden(
            "this matter holds documents outside your groups: an administrator must act on it / "
            "questa pratica riguarda documenti fuori dai tuoi gruppi: deve intervenire un amministratore",
            code=_OUT_OF_SCOPE,
        )
    return matter, visible


def check_policy_scope(state: AppState, source_pattern: str) -> None:
    """A non-admin's policy names one source they see, literally: no reach into other groups."""
    sources = user_sources(state)
    if sources is None:
        return
    if not source_pattern or any(c in source_pattern for c in "*?[") or source_pattern not in sources:
        raise Forbidden(
            "your retention policies must name one source you may see (no patterns) / "
            "le tue regole di conservazione devono indicare una fonte che puoi vedere, "
            "senza caratteri jolly",
            code=_OUT_OF_SCOPE,
        )
