"""Statistics of measured samples."""

from __future__ import annotations

from collections.abc import Iterable
import math
import statistics


def median(values: Iterable[float]) -> float:
    """The median, or NaN for no values."""
    data = list(values)
    return statistics.median(data) if data else math.nan


def percentile(values: Iterable[float], share: float) -> float:
    """The `share` (0..1) percentile by the nearest-rank method, or NaN for no values."""
    data = sorted(values)
    if not data:
        return math.nan
    return data[max(0, math.ceil(share * len(data)) - 1)]
