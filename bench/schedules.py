"""The integration's poll schedule before it learned each lock's pace, kept for comparison.

Gaps of 20 % of (time waited + 1 s), so poll k came at 9^(k/12) - 1 s, at most 5 s apart: the
same for every lock. `scripts/bench` drives a fleet with it beside the learning schedule.
"""

from __future__ import annotations

_GROWTH = 9 ** (1 / 12) - 1
_MAX_GAP = 5.0


def fixed_poll_delay(pace: object, elapsed: float) -> float:
    """Seconds to the next poll, `elapsed` after the command; `pace` is ignored."""
    return min(_GROWTH * (elapsed + 1.0), _MAX_GAP)
