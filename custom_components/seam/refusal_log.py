"""Refused webhook deliveries in the log: the first at once, then a count at most once a minute.

Anyone who finds the webhook URL can post to it. Each refusal is counted (diagnostics show the
total), but the log gets one line a minute at most, so a flood cannot fill the disk or bury
other messages.
"""

from __future__ import annotations

from datetime import datetime

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later

from .const import LOGGER

LOG_INTERVAL = 60.0


class RefusalLog:
    """Logs refusals of one entry's deliveries, one line per minute at most."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Nothing logged yet; the next refusal is logged at once."""
        self._hass = hass
        self._unlogged = 0
        self._last_reason = ""
        self._quiet: CALLBACK_TYPE | None = None
        self._stopped = False

    @callback
    def refused(self, reason: str) -> None:
        """A delivery was refused because of `reason` (never the delivery's content)."""
        if self._stopped:
            # A delivery still arriving as the entry unloads: counted, but no timer is left.
            return
        if self._quiet is None:
            LOGGER.warning(
                "Refused a Seam webhook delivery: %s. Further refusals are counted and "
                "logged at most once a minute",
                reason,
            )
            self._start_quiet_minute()
            return
        self._unlogged += 1
        self._last_reason = reason

    @callback
    def async_stop(self) -> None:
        """The receiver is gone: log what was not logged yet, and keep no timer."""
        self._stopped = True
        if self._quiet is not None:
            self._quiet()
            self._quiet = None
        self._log_unlogged()

    @callback
    def _start_quiet_minute(self) -> None:
        self._quiet = async_call_later(self._hass, LOG_INTERVAL, self._end_quiet_minute)

    @callback
    def _end_quiet_minute(self, _now: datetime) -> None:
        self._quiet = None
        if self._log_unlogged():
            # Still under attack: the next line comes a minute from now, not at once.
            self._start_quiet_minute()

    def _log_unlogged(self) -> bool:
        if not self._unlogged:
            return False
        LOGGER.warning(
            "Refused %d more Seam webhook deliveries in the last minute (the last: %s)",
            self._unlogged,
            self._last_reason,
        )
        self._unlogged = 0
        return True
