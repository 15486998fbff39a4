"""Each lock's one owner: what it shows, its commands, and the wait for their outcomes."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import datetime
import time
from typing import Any, NoReturn

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from .api import ACTION_ATTEMPT_TIMEOUT, ActionAttempt, Device, SeamClient, SeamError, Timing
from .command_queue import CommandQueue, CommandStoppedError, CommandSupersededError
from .const import DOMAIN, LOGGER, LockAction
from .data import CommandRecord, PushStatus
from .failures import async_dismiss_failure, async_notify_failure, command_error, notification_id
from .lock_state import LockState
from .outcomes import AttemptOutcomes
from .paces import LockPaces


class SeamLock:
    """One lock: the state it shows (`state`) and the commands that change it.

    A command is sent once, tracked to Seam's outcome (pushed, else polled) in a task of its
    own, and its outcome is what the lock then shows: the requested state only when Seam
    confirmed it, else what Seam reports. A failure is raised to every caller still waiting and
    told in the lock's notification.
    """

    __slots__ = ("_owner", "_queue", "state")

    def __init__(self, owner: SeamLocks, device: Device, read_at: datetime) -> None:
        """Start from the device as a read sent at `read_at` reported it."""
        self._owner = owner
        self.state = LockState(device, read_at)
        self._queue = CommandQueue[LockAction](self._async_execute, owner.start_task)

    @property
    def device_id(self) -> str:
        """Seam's id of the lock."""
        return self.state.device.device_id

    async def async_command(self, action: LockAction) -> None:
        """Run `action` to its confirmed end, or raise a translated `HomeAssistantError`.

        Nothing is sent for an action the lock lacks, or that Seam says does not work now.
        """
        device = self.state.device
        name = device.name
        capable = (
            device.can_remotely_lock if action is LockAction.LOCK else device.can_remotely_unlock
        )
        if capable is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key=f"cannot_{action}_remotely",
                translation_placeholders={"name": name},
            )
        if capable is False:
            error = HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key=f"{action}_not_possible_now",
                translation_placeholders={
                    "name": name,
                    "reason": device.reason(),
                },
            )
            await async_notify_failure(
                self._owner.hass, notification_id(self.device_id), f"{action}_failed_title", error
            )
            raise error
        try:
            await self._queue.async_submit(action)
        except CommandSupersededError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key=f"{action}_superseded",
                translation_placeholders={"name": name},
            ) from err
        except CommandStoppedError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_stopped",
                translation_placeholders={"name": name, "action": action},
            ) from err

    @callback
    def async_stop(self) -> None:
        """Stop the commands: no request, state write or notification after this."""
        self._queue.stop()

    async def _async_execute(self, action: LockAction) -> None:
        self.state.async_set_running(action)
        try:
            await self._async_run(action)
        except asyncio.CancelledError:
            raise  # stopped: nothing more is shown or told
        except BaseException:
            self.state.async_end_command()  # never left at locking/unlocking
            raise

    async def _async_run(self, action: LockAction) -> None:
        hass, name = self._owner.hass, self.state.device.name
        started = time.monotonic()
        timing = Timing()
        try:
            attempt = await self._async_send_and_wait(action, timing)
        except SeamError as err:
            error = command_error(err, action, name)
            self._record(action, started, error.translation_key or "error", err)
            self.state.async_end_command()
            # What the lock shows goes back to what Seam reports, never the state requested.
            self._owner.async_request_refresh()
            await async_notify_failure(
                hass, notification_id(self.device_id), f"{action}_failed_title", error
            )
            raise error from err
        answered_at = dt_util.utcnow()
        if attempt.was_confirmed_by_device is False:
            await self._async_unconfirmed(action, attempt, started)
        if (observation := timing.observation()) is not None:
            self._owner.paces.add(self.state.device, observation)
        self._record(action, started, "success", attempt=attempt)
        self.state.async_end_command(answered_at, locked=action is LockAction.LOCK)
        async_dismiss_failure(hass, self.device_id)
        self._owner.async_request_refresh()

    async def _async_send_and_wait(self, action: LockAction, timing: Timing) -> ActionAttempt:
        """Send the command and wait for Seam's outcome (pushed, else polled at its pace)."""
        client, outcomes = self._owner.client, self._owner.outcomes
        send = client.lock_door if action is LockAction.LOCK else client.unlock_door
        attempt = await send(self.device_id)
        attempt_id = attempt.action_attempt_id
        self._owner.sent_attempts.append(attempt_id)
        LOGGER.debug("%s %s: action attempt %s", action, self.device_id, attempt_id)
        try:
            return await client.wait_for_action_attempt(
                attempt,
                max_wait=ACTION_ATTEMPT_TIMEOUT,
                pushed=outcomes.expect(attempt_id),
                pace=self._owner.paces.pace(self.state.device),
                timing=timing,
            )
        finally:
            outcomes.forget(attempt_id)

    async def _async_unconfirmed(
        self, action: LockAction, attempt: ActionAttempt, started: float
    ) -> NoReturn:
        """Seam sent the command but the lock did not confirm it: show what the lock reports."""
        name = self.state.device.name
        error = HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=f"{action}_unconfirmed",
            translation_placeholders={
                "name": name,
                "action_attempt_id": attempt.action_attempt_id,
                "request_id": attempt.request_id or "-",
            },
        )
        self._record(action, started, f"{action}_unconfirmed", attempt=attempt)
        sent_at = dt_util.utcnow()
        try:
            device = await self._owner.client.get_device(self.device_id)
        except SeamError as err:
            LOGGER.debug("Could not read %s after an unconfirmed command: %s", name, err)
        else:
            self.state.async_apply_read(device, sent_at)
        self.state.async_end_command()
        await async_notify_failure(
            self._owner.hass, notification_id(self.device_id), f"{action}_failed_title", error
        )
        raise error

    def _record(
        self,
        action: LockAction,
        started: float,
        outcome: str,
        err: SeamError | None = None,
        attempt: ActionAttempt | None = None,
    ) -> None:
        attempt = attempt or getattr(err, "action_attempt", None)
        self._owner.history.append(
            CommandRecord(
                device_id=self.device_id,
                action=action,
                outcome=outcome,
                seconds=round(time.monotonic() - started, 3),
                action_attempt_id=attempt.action_attempt_id if attempt else None,
                error_type=getattr(err, "error_type", None),
            )
        )


class SeamLocks:
    """Every lock of one workspace, by Seam device id, and what they share."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        client: SeamClient,
        push: PushStatus,
        request_refresh: Callable[[], Coroutine[Any, Any, None]],
    ) -> None:
        """Locks appear with the first device-list read (`async_apply_read`).

        `request_refresh` asks for a device-list read (the coordinator's, debounced).
        """
        self.hass = hass
        self._entry = entry
        self.client = client
        self.outcomes = AttemptOutcomes(push)
        # How long each lock takes, learned from its commands (loaded before the first).
        self.paces = LockPaces(hass, entry.entry_id)
        self.history: deque[CommandRecord] = deque(maxlen=25)
        # The action attempts this entry started lately: Seam's events about them are ours.
        self.sent_attempts: deque[str] = deque(maxlen=64)
        self.by_id: dict[str, SeamLock] = {}
        self._stopped = False
        self._request_refresh = request_refresh

    @callback
    def async_request_refresh(self) -> None:
        """Ask for a device-list read in the background, so the command ends with its outcome.

        The read also starts re-authentication, or removes a lock that Seam no longer knows.
        """
        self.start_task(self._request_refresh())

    def start_task(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run `coro` in a task of the entry's: it outlives callers, and unload cancels it."""
        return self._entry.async_create_background_task(self.hass, coro, "seam_lock_command")

    @callback
    def async_apply_read(self, devices: dict[str, Device], sent_at: datetime) -> None:
        """Take a device-list read: a new lock gets an owner, the others compare it to theirs."""
        for device_id, device in devices.items():
            if (lock := self.by_id.get(device_id)) is None:
                lock = self.by_id[device_id] = SeamLock(self, device, sent_at)
                if self._stopped:
                    lock.async_stop()
            else:
                lock.state.async_apply_read(device, sent_at)
        for device_id in self.by_id.keys() - devices.keys():
            # Seam no longer lists it: its commands end here, its entities leave.
            self.by_id.pop(device_id).async_stop()
        self.paces.keep_only(devices)

    @callback
    def async_stop(self) -> None:
        """The entry unloads or Home Assistant stops: every command stops where it is."""
        self._stopped = True
        for lock in self.by_id.values():
            lock.async_stop()
