"""How long a lock takes to move, learned from its commands, and when to poll because of it.

A real lock is consistent: the same August, Nuki or Schlage takes about the same time every
time. Every confirmed command adds an observation of its actuation: exact when the outcome is
pushed, an interval when it is polled (between the last poll that said pending and the one that
said done). From a lock's recent observations comes its *pace*: the window it usually finishes
in. The poll schedule then spends its polls there: one before the window, dense polls inside,
then gaps that grow for the rare slow command, never giving up before the caller's limit.

Times are seconds after the command was answered (Seam's action attempt was created).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
import statistics

# Observations kept per lock: enough for a stable median, few enough to follow a lock that
# slows down (a weak battery, a hub added).
HISTORY = 20
# A command further than this factor from the lock's median is rare, not usual.
UNUSUAL = 1.5
# With few observations the window is widened, since the lock's own variation is not yet known.
FIRST_MARGIN = 0.15
# Gaps inside the window: a share of the pace, kept within these bounds.
WINDOW_SHARE = 0.07
WINDOW_GAP = (0.1, 0.3)
# Outside what was learned (later than the window, or with nothing learned), a lock that
# finishes at T is seen by 1.2 T + 0.2 s at the latest, as with the schedule before learning.
GROWTH = 0.2
FIRST_POLL = 0.2
# Nothing learned: no wider gaps than Seam's SDK (0.5 s) until 10 s; then 5 % of the time.
COLD_GAP = 0.5
COLD_SHARE = 0.05
MAX_GAP = 5.0
# Other locks' paces serve as a new lock's prior only when they agree this closely.
PRIOR_AGREEMENT = 1.5
# Fewer observations than this may include a rare slow command: the window is not trusted
# yet, and from half its start polls come as they would outside it.
SETTLED = 3
# ... and its polls are this much sparser (it may be wide).
FEW_GAP = 1.5
# After the window, gaps grow by this share of the time past it (up to the 20 % + 0.2 s bound),
# while the command may be a rare slow one (up to this factor of the window's end); past that
# the lock has changed, and gaps are the widest that bound allows.
LATE_GROWTH = 0.1
CHANGED = 2.5
# An observation within this (or this share of its time) places the lock's finish closely.
NARROW = 0.5
NARROW_SHARE = 0.25
# No stored observation is longer than this (twice the longest wait for an action attempt).
LONGEST = 90.0
# Before the window, a poll comes at this time, then at most every 5 s: an early end (an error
# Seam reports at once, say) is seen by 2 s, or at most 5 s after it.
EARLY_POLLS = (2.0,)
# A poll due sooner than this is taken as done (a timer may wake a little early).
_DUE = 0.02


@dataclass(frozen=True, slots=True)
class Observation:
    """One command's actuation: at least `low`, at most `high` seconds."""

    low: float
    high: float

    @property
    def mid(self) -> float:
        """The middle of what is known."""
        return (self.low + self.high) / 2

    @property
    def narrow(self) -> bool:
        """Seen closely: within half a second, or a quarter of the time."""
        return self.high - self.low <= max(NARROW, NARROW_SHARE * self.high)

    def as_list(self) -> list[float]:
        """For storage: [low, high], rounded to milliseconds."""
        return [round(self.low, 3), round(self.high, 3)]

    @classmethod
    def from_list(cls, value: object) -> Observation | None:
        """Read a stored observation; None for anything that is not one."""
        if (
            isinstance(value, list)
            and len(value) == 2
            and all(
                isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= LONGEST
                for v in value
            )
            and value[0] <= value[1]
        ):
            return cls(float(value[0]), float(value[1]))
        return None


@dataclass(slots=True)
class Timing:
    """What a wait for an action attempt saw, in seconds after the wait began."""

    pending_at: float = 0.0
    """When the last poll that still said pending was sent (0: none was)."""
    done_at: float | None = None
    """When the outcome arrived: the poll's answer, or the pushed event."""
    pushed: bool = False

    def observation(self) -> Observation | None:
        """The actuation as this wait observed it: exact when pushed, else an interval."""
        if self.done_at is None:
            return None
        if self.pushed:
            return Observation(self.done_at, self.done_at)
        return Observation(min(self.pending_at, self.done_at), self.done_at)


@dataclass(frozen=True, slots=True)
class Pace:
    """Where a lock usually finishes: between `start` and `end`; poll every `gap` there."""

    start: float
    end: float
    gap: float
    typical: float
    observations: int


def learned_pace(observations: Sequence[Observation]) -> Pace | None:
    """The pace of a lock from its recent observations (None with none)."""
    if not observations:
        return None
    typical = statistics.median(o.mid for o in observations)
    usual = [o for o in observations if typical / UNUSUAL <= o.mid <= typical * UNUSUAL]
    # The window comes from what was seen closely: a command that ended between two polls far
    # apart (before the window, say) says little of where in between. Without the rare slow
    # (or fast) ones; when there is nothing else, from all.
    narrow = [o for o in usual if o.narrow]
    mids = sorted(o.mid for o in (narrow or usual or observations))
    gap = _window_gap(typical)
    margin = max(gap, typical * FIRST_MARGIN / len(mids))
    # The usual spread: all of it with few observations, the middle 80 % with more.
    trim = len(mids) // 10
    start = max(0.0, mids[trim] - margin)
    end = mids[len(mids) - 1 - trim] + margin
    return Pace(start, end, gap, typical, len(observations))


def prior_pace(others: Iterable[Pace]) -> Pace | None:
    """A new lock's pace from other locks of its model, if they agree; else None."""
    paces = list(others)
    if not paces:
        return None
    typicals = sorted(p.typical for p in paces)
    trim = len(typicals) // 10  # one odd lock among many does not silence the rest
    if typicals[-1 - trim] > typicals[trim] * PRIOR_AGREEMENT:
        return None  # the model says little about this lock's pace
    start, end = min(p.start for p in paces), max(p.end for p in paces)
    middle = statistics.median(typicals)
    # Widened as if from one observation: the lock itself has not been seen yet.
    margin = middle * FIRST_MARGIN
    return Pace(max(0.0, start - margin), end + margin, _window_gap(middle), middle, 0)


def _window_gap(typical: float) -> float:
    """The gap between polls in the window of a lock that takes `typical` seconds."""
    return min(max(typical * WINDOW_SHARE, WINDOW_GAP[0]), WINDOW_GAP[1])


def _outside_gap(elapsed: float) -> float:
    """The widest gap that still sees a lock finishing now within 20 % + 0.2 s."""
    return min(GROWTH * elapsed + FIRST_POLL, MAX_GAP)


def growing_delay(elapsed: float) -> float:
    """Seconds to the next poll of an action attempt that is no lock's move.

    Access codes are programmed through the lock's hub, in tens of seconds: gaps of 20 % of
    (the time waited + 1 s), at most 5 s.
    """
    return min(GROWTH * (elapsed + 1.0), MAX_GAP)


def poll_delay(pace: Pace | None, elapsed: float) -> float:
    """Seconds until the next poll, `elapsed` seconds after the command was answered.

    - Nothing learned: gaps of 20 % of the time waited + 0.2 s, but no wider than the SDK's
      0.5 s until 10 s, then 5 % of the time waited: never slower than the SDK to see a lock
      finish, and at most 0.2 x T + 0.2 s late.
    - Before the window: at 2 s (when it starts later), then at most 5 s apart, then at its
      start: a lock that ends early (an error Seam reports at once, say) is seen by 2 s, or
      at most 5 s after it ended. While fewer than 3 commands were seen, from half the
      window's start polls come as outside it (the one seen may have been a rare slow one).
    - In the window: every `gap` (7 % of the pace, 0.1-0.3 s; 1.5 times that while unsettled).
    - After it: gaps growing by 10 % of the time past it while the command may be a rare slow
      one (to 2.5 times the window's end), then as wide as 20 % of the time waited + 0.2 s.
    - Never more than 5 s between polls.
    """
    return min(_delay(pace, elapsed), MAX_GAP)


def _delay(pace: Pace | None, elapsed: float) -> float:
    if pace is None:
        return min(_outside_gap(elapsed), max(COLD_GAP, COLD_SHARE * elapsed))
    if elapsed < pace.start - _DUE:
        return _before_window(pace, elapsed)
    if elapsed < pace.end:
        return pace.gap * (FEW_GAP if pace.observations < SETTLED else 1)
    if elapsed >= pace.end * CHANGED:
        return _outside_gap(elapsed)  # not a rare slow command: the lock has changed
    late = pace.gap + LATE_GROWTH * (elapsed - pace.end)
    return max(pace.gap, min(_outside_gap(elapsed), late))


def _before_window(pace: Pace, elapsed: float) -> float:
    """Few polls up to the window's start (settled) or half of it (not yet), then the start.

    At 2 s when the window starts later, then at most 5 s apart (the caller caps). Not
    yet settled: one of so few commands may have been a rare slow one, so from half the
    window's start on, polls come as they would outside it.
    """
    unsettled = pace.observations < SETTLED
    until = pace.start / 2 if unsettled else pace.start
    for poll in (*EARLY_POLLS, until):
        if elapsed < poll - _DUE and poll <= until:
            return _toward(until, poll - elapsed, pace, elapsed)
    return _toward(pace.start, min(_outside_gap(elapsed), pace.start - elapsed), pace, elapsed)


def _toward(target: float, step: float, pace: Pace, elapsed: float) -> float:
    """`step`, or straight to `target` if the poll would come a window's gap before it or less."""
    return target - elapsed if target - (elapsed + step) < pace.gap else step
