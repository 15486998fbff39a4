"""Lock commands: send, track Seam's action attempt to its end, and tell the user of failures.

A command's outcome reaches the user twice when it fails: as the translated error of the
action call (the dashboard toast, the automation trace) and as a persistent notification per
lock, which a later successful command on that lock dismisses.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from enum import StrEnum
import time

from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import translation

from .api import (
    ACTION_ATTEMPT_TIMEOUT,
    ActionAttempt,
    SeamActionAttemptFailedError,
    SeamActionAttemptTimeoutError,
    SeamApiError,
    SeamConnectionError,
    SeamError,
    SeamNotFoundError,
    SeamRateLimitedError,
    SeamTimeoutError,
    SeamUnauthorizedError,
)
from .const import DOMAIN, LOGGER
from .coordinator import SeamCoordinator
from .data import CommandRecord


class LockAction(StrEnum):
    """A command Seam can run on a lock."""

    LOCK = "lock"
    UNLOCK = "unlock"


def notification_id(device_id: str) -> str:
    """One notification per lock: a new failure replaces the last one."""
    return f"{DOMAIN}_command_{device_id}"


def command_error(err: SeamError, action: str, name: str, **extra: str) -> HomeAssistantError:
    """Translate a Seam failure of a command on the lock `name` into what the user reads.

    The keys `{action}_failed`, `{action}_not_confirmed` and `{action}_rejected` belong to the
    command; the others are shared. `extra` placeholders (e.g. an access code's name) are added.
    """
    placeholders = {"name": name, "request_id": err.request_id or "-", **extra}
    if isinstance(err, SeamApiError):
        placeholders |= {"message": err.message, "error_type": err.error_type or "-"}
    key: str
    match err:
        case SeamActionAttemptFailedError():
            key = f"{action}_failed"
            placeholders |= {"message": err.error_message, "error_type": err.error_type}
        case SeamActionAttemptTimeoutError():
            key = f"{action}_not_confirmed"
            placeholders |= {
                "seconds": f"{err.waited:.0f}",
                "action_attempt_id": err.action_attempt.action_attempt_id,
            }
        case SeamUnauthorizedError():
            key = "command_auth_failed"
        case SeamNotFoundError():
            key = "device_not_found"
        case SeamRateLimitedError():
            key = "rate_limited"
            placeholders["retry_after"] = (
                f"{err.retry_after:.0f}" if err.retry_after is not None else "60"
            )
        case SeamConnectionError() | SeamTimeoutError():
            key = "cannot_connect"
            placeholders["message"] = str(err)
        case SeamApiError() if err.status >= 500:
            key = "server_error"
        case _:
            key = f"{action}_rejected"
            placeholders.setdefault("message", str(err))
            placeholders.setdefault("error_type", "-")
    if "message" in placeholders:
        # The translations go on after Seam's sentence: "jammed. (error type" reads badly.
        placeholders["message"] = placeholders["message"].rstrip(" .")
    return HomeAssistantError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


async def async_notify_failure(
    hass: HomeAssistant, notification: str, title_key: str, error: HomeAssistantError
) -> None:
    """Create (or replace) the notification `notification` telling of `error`, translated.

    The title comes from the exception key `title_key`, with the error's placeholders.
    """
    strings = await translation.async_get_translations(
        hass, hass.config.language, "exceptions", {DOMAIN}
    )
    prefix = f"component.{DOMAIN}.exceptions"
    placeholders = error.translation_placeholders or {}
    title = strings.get(f"{prefix}.{title_key}.message", "{name}").format(**placeholders)
    template = strings.get(f"{prefix}.{error.translation_key}.message")
    message = template.format(**placeholders) if template else str(error)
    persistent_notification.async_create(hass, message, title=title, notification_id=notification)


class LockCommandRunner:
    """Runs the commands of one lock, one at a time.

    A command for the action already under way joins it (one request to Seam, one outcome for
    both callers); a different command waits for it to end, because Seam runs them in order and
    the state shown must always belong to one command.
    """

    def __init__(self, hass: HomeAssistant, coordinator: SeamCoordinator, device_id: str) -> None:
        """Set up the runner of one lock."""
        self._hass = hass
        self._coordinator = coordinator
        self._device_id = device_id
        self._queue = asyncio.Lock()
        self._current: tuple[LockAction, asyncio.Future[None]] | None = None

    async def async_run(
        self, action: LockAction, name: str, on_start: Callable[[LockAction | None], None]
    ) -> None:
        """Run `action` to its confirmed end, or raise a translated `HomeAssistantError`.

        `on_start(action)` is called when the command goes to Seam, `on_start(None)` when it
        has ended, so the entity shows locking/unlocking exactly while Seam works.
        """
        if self._current is not None and self._current[0] is action:
            await asyncio.shield(self._current[1])
            return
        async with self._queue:
            done: asyncio.Future[None] = self._hass.loop.create_future()
            self._current = (action, done)
            on_start(action)
            started = time.monotonic()
            try:
                attempt_id = await self._send_and_wait(action, name)
            except SeamError as err:
                error = command_error(err, action, name)
                self._record(action, started, error.translation_key or "error", err)
                done.set_exception(error)
                done.exception()  # joined callers re-raise it; nobody else must be warned
                self._current = None
                if isinstance(err, SeamNotFoundError) and err.error_type == "device_not_found":
                    self._coordinator.async_mark_removed(self._device_id)
                on_start(None)
                # The state goes back to what Seam reports, never the one requested.
                await self._coordinator.async_request_refresh()
                await async_notify_failure(
                    self._hass, notification_id(self._device_id), f"{action}_failed_title", error
                )
                raise error from err
            self._coordinator.async_set_confirmed_locked(self._device_id, action is LockAction.LOCK)
            self._record(action, started, "success", attempt_id=attempt_id)
            done.set_result(None)
            self._current = None
            on_start(None)
            self.async_dismiss()
        await self._coordinator.async_request_refresh()

    def _record(
        self,
        action: LockAction,
        started: float,
        outcome: str,
        err: SeamError | None = None,
        attempt_id: str | None = None,
    ) -> None:
        attempt = getattr(err, "action_attempt", None)
        self._coordinator.recent_commands.append(
            CommandRecord(
                device_id=self._device_id,
                action=action,
                outcome=outcome,
                seconds=round(time.monotonic() - started, 3),
                action_attempt_id=attempt.action_attempt_id if attempt else attempt_id,
                error_type=getattr(err, "error_type", None),
            )
        )

    async def _send_and_wait(self, action: LockAction, name: str) -> str:
        """Send the command and wait for Seam's outcome; return the action attempt id."""
        client = self._coordinator.client
        send: Callable[[str], Awaitable[ActionAttempt]] = (
            client.lock_door if action is LockAction.LOCK else client.unlock_door
        )
        attempt = await send(self._device_id)
        attempt_id = attempt.action_attempt_id
        LOGGER.debug("%s %s: action attempt %s", action, name, attempt_id)
        pushed = self._coordinator.async_expect_action_attempt(attempt_id)
        try:
            await client.wait_for_action_attempt(
                attempt, max_wait=ACTION_ATTEMPT_TIMEOUT, pushed=pushed
            )
        finally:
            self._coordinator.async_forget_action_attempt(attempt_id)
        return attempt_id

    @callback
    def async_dismiss(self) -> None:
        """Dismiss this lock's failure notification: the lock has since worked."""
        persistent_notification.async_dismiss(self._hass, notification_id(self._device_id))
