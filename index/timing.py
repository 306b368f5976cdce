"""Stage timings of one search, in milliseconds (`SearchResult.timings`)."""

from __future__ import annotations

import time

__all__ = ["StageClock"]


class StageClock:
    """Laps of a stopwatch: `lap(stage)` adds the time since the previous lap to `stage`."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + (now - self._last) * 1000
        self._last = now
