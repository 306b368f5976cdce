"""What `/readyz` checks: the catalog answers, the index opens, and the queue moves."""

from __future__ import annotations

from api.state import AppState
from index.backend import BackendUnavailable

__all__ = ["readiness_problems"]


def readiness_problems(state: AppState) -> list[str]:
    """Why this API is not ready (empty when it is), in words for an operator."""
    problems: list[str] = []
    try:
        state.catalog.count_documents()
    except Exception as err:
        problems.append(f"catalog: {type(err).__name__}: {err}")
    try:
        stalled = state.catalog.stalled_seconds()
    except Exception:
        stalled = 0.0  # already reported as a catalog problem
    if stalled > state.settings.worker_stall_seconds:
        problems.append(
            f"worker: jobs have waited {stalled:.0f} s and no live worker has claimed any "
            "(is a worker running? / nessun worker attivo)"
        )
    try:
        state.backend.refresh()
        state.backend.count()
    except BackendUnavailable as err:
        problems.append(f"index: {err}")
    return problems
