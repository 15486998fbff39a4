"""The integration's poll schedule before it learned each lock's pace, kept for comparison.

Gaps of 20 % of (time waited + 1 s), so poll k came at 9^(k/12) - 1 s, at most 5 s apart: the
same for every lock. Access codes still poll this way (`actuation.growing_delay`).
`scripts/bench` drives a fleet with it beside the learning schedule.
"""

from __future__ import annotations

from custom_components.seam.api.actuation import growing_delay


def fixed_poll_delay(pace: object, elapsed: float) -> float:
    """Seconds to the next poll, `elapsed` after the command; `pace` is ignored."""
    return growing_delay(elapsed)
