"""A booking calendar's repair issues: raised from each reconcile, cleared once resolved.

Ids are `{entry}_{problem}_{subentry}_{digest of the booking}_{device}` for a booking's code
on a lock, and `{entry}_booking_calendar_{subentry}` for a calendar that cannot be read. They
name the booking (guest and arrival) and the lock, never the PIN.
"""

from __future__ import annotations

from collections.abc import Iterable
import hashlib

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .booking_run import Problem, RepairIssue
from .const import DOMAIN
from .issues import BOOKING_ISSUE_PREFIX, async_raise_issue

CALENDAR_FAILURES_FOR_ISSUE = 3
_WARNINGS = (Problem.DELAYED, Problem.DELETED_OUTSIDE)


class BookingIssues:
    """The issues of one booking calendar (a config subentry)."""

    def __init__(self, hass: HomeAssistant, entry_id: str, subentry_id: str, title: str) -> None:
        """The issues of `subentry_id`, named after the calendar's `title`."""
        self._hass = hass
        self._entry_id = entry_id
        self._subentry_id = subentry_id
        self._title = title
        self._raised: dict[str, RepairIssue] = {}

    def issue_id(self, key: str, problem: Problem, device_id: str) -> str:
        """One issue per booking, lock and problem (the booking's key is hashed, not shown)."""
        digest = hashlib.sha256(key.encode()).hexdigest()[:12]
        return f"{self._entry_id}_{problem.value}_{self._subentry_id}_{digest}_{device_id}"

    @callback
    def async_load(self) -> None:
        """The issues raised before this start (a reload): cleared like any, once resolved."""
        prefix = f"{self._entry_id}_booking_code_"
        marker = f"_{self._subentry_id}_"
        for (domain, issue_id), issue in ir.async_get(self._hass).issues.items():
            if domain != DOMAIN or not issue_id.startswith(prefix) or marker not in issue_id:
                continue
            # `..._{subentry id}_{12-character digest}_{device id}`
            device = issue_id.partition(marker)[2][13:]
            problem = next((p for p in Problem if p.value == issue.translation_key), None)
            if problem is not None:
                self._raised[issue_id] = RepairIssue(problem, device, {})

    @callback
    def async_calendar_read(self, failures: int) -> None:
        """After a read: an issue once it has failed `CALENDAR_FAILURES_FOR_ISSUE` times."""
        issue_id = f"{self._entry_id}_booking_calendar_{self._subentry_id}"
        if failures >= CALENDAR_FAILURES_FOR_ISSUE:
            async_raise_issue(
                self._hass,
                issue_id,
                "booking_calendar_unreadable",
                ir.IssueSeverity.WARNING,
                {"calendar": self._title},
            )
        else:
            ir.async_delete_issue(self._hass, DOMAIN, issue_id)

    @callback
    def async_sync(
        self, wanted: dict[str, RepairIssue], read: set[str], locks: Iterable[str]
    ) -> None:
        """Raise a reconcile's problems; clear old ones, except of `locks` unread this time."""
        for issue_id, issue in wanted.items():
            async_raise_issue(
                self._hass,
                issue_id,
                issue.problem.value,
                ir.IssueSeverity.WARNING if issue.problem in _WARNINGS else ir.IssueSeverity.ERROR,
                {"calendar": self._title, **issue.placeholders},
            )
        locks = set(locks)
        for issue_id, issue in self._raised.items():
            if issue_id in wanted:
                continue
            if issue.device_id in read or issue.device_id not in locks:
                ir.async_delete_issue(self._hass, DOMAIN, issue_id)
            else:
                wanted[issue_id] = issue
        self._raised = wanted


@callback
def async_clear_stale(hass: HomeAssistant, entry_id: str, subentry_ids: Iterable[str]) -> None:
    """Delete the booking issues of calendars no longer set up."""
    prefix = f"{entry_id}_{BOOKING_ISSUE_PREFIX}"
    subentries = set(subentry_ids)
    for domain, issue_id in list(ir.async_get(hass).issues):
        if (
            domain == DOMAIN
            and issue_id.startswith(prefix)
            and not any(
                f"_{sub}_" in issue_id or issue_id.endswith(f"_{sub}") for sub in subentries
            )
        ):
            ir.async_delete_issue(hass, DOMAIN, issue_id)
