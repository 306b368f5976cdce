"""OpenAPI descriptions of answers that are not JSON (files, CSV, images, Prometheus text)."""

from __future__ import annotations

from typing import Any

__all__ = ["OpenApiResponses", "binary_answer", "text_answer"]

OpenApiResponses = dict[int | str, dict[str, Any]]


def binary_answer(media_type: str) -> OpenApiResponses:
    """A 200 whose body is bytes of `media_type` (a file, an image, a ZIP)."""
    return {200: {"content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}}


def text_answer(media_type: str) -> OpenApiResponses:
    """A 200 whose body is text of `media_type` (CSV, Prometheus exposition)."""
    return {200: {"content": {media_type: {"schema": {"type": "string"}}}}}
