"""numpy's BLAS (OpenBLAS) held to one thread, for the encoder and spaCy's layers.

The worker already uses every core (one NLP process per core), so a BLAS call must not
start threads of its own: with OpenBLAS's default of one spinning thread per core the
sentence encoder took five times the CPU and four times the wall time on 2 cores
(bench/README.md, "Complaints and sentiment on real text").
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from typing import Any

__all__ = ["one_blas_thread"]


@lru_cache(maxsize=1)
def _controller() -> Any:
    """threadpoolctl's controller (it finds the BLAS libraries once, not on every call), or None."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # an environment installed before the pin (the lock and CI have it)
        logging.getLogger("faldone.nlp").warning(
            "threadpoolctl is not installed: numpy's BLAS runs on every core, at several times the CPU"
        )
        return None
    return ThreadpoolController()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """numpy's BLAS limited to one thread inside the block."""
    controller = _controller()
    with nullcontext() if controller is None else controller.limit(limits=1, user_api="blas"):
        yield
