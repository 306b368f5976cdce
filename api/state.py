"""The objects every request needs, built once by the app factory."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from core.archive import Archive
from core.catalog import Catalog
from core.settings import Settings
from index.backend import SearchBackend

__all__ = ["AppState", "get_state"]


@dataclass
class AppState:
    settings: Settings
    catalog: Catalog
    archive: Archive
    backend: SearchBackend


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.faldone
    return state
