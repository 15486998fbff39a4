"""The Seam events Home Assistant subscribes to, what each one changes, and applying them.

One table: the webhook asks Seam for exactly its keys, and every key has its handling here,
so no event is subscribed to and then dropped.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum, auto
from typing import Final, assert_never

from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util

from .api import ActionAttempt, ActionAttemptStatus, SeamClient, SeamError, SeamEvent
from .const import LOGGER
from .coordinator import SeamCoordinator
from .data import LockActivity, signal_lock_activity
from .lock_state import CHANGED_BY_US
from .locks import SeamLocks


class Handling(StrEnum):
    """What an event changes."""

    LOCK_STATE = auto()  # locked / unlocked, and the lock's activity
    ACCESS_DENIED = auto()  # activity only
    CONNECTIVITY = auto()  # online / offline
    BATTERY = auto()  # battery level and status
    ATTEMPT_OUTCOME = auto()  # the outcome of a lock or unlock command
    DEVICE_LIST = auto()  # the device list as a whole: read it again


EVENTS: Final[dict[str, Handling]] = {
    "lock.locked": Handling.LOCK_STATE,
    "lock.unlocked": Handling.LOCK_STATE,
    "lock.access_denied": Handling.ACCESS_DENIED,
    "device.connected": Handling.CONNECTIVITY,
    "device.disconnected": Handling.CONNECTIVITY,
    "device.low_battery": Handling.BATTERY,
    "device.battery_status_changed": Handling.BATTERY,
    "action_attempt.lock_door.succeeded": Handling.ATTEMPT_OUTCOME,
    "action_attempt.lock_door.failed": Handling.ATTEMPT_OUTCOME,
    "action_attempt.unlock_door.succeeded": Handling.ATTEMPT_OUTCOME,
    "action_attempt.unlock_door.failed": Handling.ATTEMPT_OUTCOME,
    "device.added": Handling.DEVICE_LIST,
    "device.removed": Handling.DEVICE_LIST,
    "device.deleted": Handling.DEVICE_LIST,
    "device.name_changed": Handling.DEVICE_LIST,
    "connected_account.connected": Handling.DEVICE_LIST,
    "connected_account.disconnected": Handling.DEVICE_LIST,
    "connected_account.reauthorization_requested": Handling.DEVICE_LIST,
}
WEBHOOK_EVENT_TYPES: Final = tuple(EVENTS)
# Seam's clock and this machine's may differ a little; an event is never dated later than this.
MAX_CLOCK_SKEW: Final = timedelta(seconds=60)


class SeamEvents:
    """Applies verified Seam events of one workspace to what Home Assistant shows."""

    def __init__(
        self, hass: HomeAssistant, entry_id: str, coordinator: SeamCoordinator, locks: SeamLocks
    ) -> None:
        """Apply events to these locks; ask the coordinator when the device list changed."""
        self._hass = hass
        self._entry_id = entry_id
        self._coordinator = coordinator
        self._locks = locks
        self._code_names = AccessCodeNames(coordinator.client)

    async def async_handle(self, event: SeamEvent) -> None:
        """Apply one event. What happened before what a lock shows changes nothing."""
        handling = EVENTS.get(event.event_type)
        if handling is None:
            LOGGER.debug("Ignoring %s: not an event Home Assistant asked for", event.event_type)
            return
        if handling is Handling.ATTEMPT_OUTCOME:
            self._resolve_attempt(event)
            return
        if handling is Handling.DEVICE_LIST:
            await self._coordinator.async_request_refresh()
            return
        lock = self._locks.by_id.get(event.device_id or "")
        if lock is None:
            LOGGER.debug("Ignoring %s for a device that is not a known lock", event.event_type)
            return
        # An event without a time is taken as new: Seam documents one on every event. One from
        # further ahead than clocks drift apart would hold off every read until then.
        now = dt_util.utcnow()
        at = min(event.occurred_at or now, now + MAX_CLOCK_SKEW)
        match handling:
            case Handling.LOCK_STATE | Handling.ACCESS_DENIED:
                # The state first: naming a new access code takes a request to Seam.
                code_id = event.access_code_id
                code_name = self._code_names.known(code_id)
                moved = handling is Handling.LOCK_STATE
                if moved:
                    locked = event.event_type == "lock.locked"
                    lock.state.async_apply_moved(at, locked, self._changed_by(event, code_name))
                if code_id is not None and code_name is None:
                    code_name = await self._code_names.async_name(lock.device_id, code_id)
                    if moved and code_name is not None and event.method == "keycode":
                        lock.state.async_name_mover(at, code_name)
                self._tell_activity(event, lock.device_id, code_name)
            case Handling.CONNECTIVITY:
                connected = event.event_type == "device.connected"
                lock.state.async_apply(at, online=connected)
                if connected:
                    # What works again is in the capability flags, which only a read carries;
                    # read in the background, so Seam's delivery is answered at once.
                    self._locks.start_task(self._coordinator.async_request_refresh())
            case Handling.BATTERY:
                changes: dict[str, float | str] = {}
                if event.battery_level is not None:
                    changes["battery_level"] = event.battery_level
                if event.battery_status is not None:
                    changes["battery_status"] = event.battery_status
                lock.state.async_apply(at, **changes)
            case _:
                assert_never(handling)

    def _resolve_attempt(self, event: SeamEvent) -> None:
        if event.action_attempt_id is None:
            return
        succeeded = event.event_type.endswith(".succeeded")
        self._locks.outcomes.resolve(
            ActionAttempt(
                action_attempt_id=event.action_attempt_id,
                action_type=event.action_type or "UNKNOWN",
                status=ActionAttemptStatus.SUCCESS if succeeded else ActionAttemptStatus.ERROR,
            )
        )

    def _changed_by(self, event: SeamEvent, code_name: str | None) -> str | None:
        """Who or what moved the lock, as Home Assistant's lock integrations say it."""
        match event.method:
            case "keycode":
                return code_name or "keypad"
            case "manual" | "automatic":
                return event.method
            case "seamapi" if event.action_attempt_id in self._locks.sent_attempts:
                return CHANGED_BY_US
            case "seamapi":
                return "Seam API"
        return code_name  # Seam does not say how (its fake sends no method)

    def _tell_activity(self, event: SeamEvent, device_id: str, code_name: str | None) -> None:
        async_dispatcher_send(
            self._hass,
            signal_lock_activity(self._entry_id),
            LockActivity(
                device_id=device_id,
                kind=event.event_type.removeprefix("lock."),
                method=event.method,
                access_code_id=event.access_code_id,
                access_code_name=code_name,
            ),
        )


class AccessCodeNames:
    """The names of the access codes that open locks: one read of a lock's codes per new code."""

    def __init__(self, client: SeamClient) -> None:
        """Read codes through `client`."""
        self._client = client
        self._names: dict[str, str] = {}

    def known(self, access_code_id: str | None) -> str | None:
        """The code's name if already known, without asking Seam."""
        return None if access_code_id is None else self._names.get(access_code_id)

    async def async_name(self, device_id: str, access_code_id: str) -> str | None:
        """The code's name, or None when Seam cannot say."""
        if access_code_id not in self._names:
            try:
                codes = await self._client.list_access_codes(device_id)
            except SeamError as err:
                LOGGER.debug("Could not name access code %s: %s", access_code_id, err)
                return None
            self._names.update({code.access_code_id: code.name for code in codes})
        return self._names.get(access_code_id)
