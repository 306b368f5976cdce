"""ASGI entry point for process managers: `uvicorn --factory api.asgi:app` (settings from the environment)."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from core.settings import load_settings

__all__ = ["app"]


def app() -> FastAPI:
    return create_app(load_settings())
