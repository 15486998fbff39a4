"""Async client for Seam Connect: Seam's routes and JSON; nothing of Home Assistant."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
import logging

from . import actuation
from .actuation import Pace, Timing
from .attempts import (
    ACTION_ATTEMPT_TIMEOUT,
    PUSHED_FIRST_POLL,
    PUSHED_POLL_INTERVAL,
    SeamActionAttemptFailedError,
    SeamActionAttemptTimeoutError,
)
from .errors import (
    SeamConnectionError,
    SeamRateLimitedError,
    SeamServerError,
    SeamTimeoutError,
)
from .models import (
    AccessCode,
    ActionAttempt,
    ActionAttemptStatus,
    Device,
    Webhook,
    Workspace,
)
from .parsing import JSON
from .transport import SeamTransport

_LOGGER = logging.getLogger(__name__)


def _seam_time(value: datetime) -> str:
    """An aware datetime as Seam writes times: ISO 8601 in UTC with a `Z`."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _access_code_fields(
    name: str | None, code: str | None, starts_at: datetime | None, ends_at: datetime | None
) -> JSON:
    """The fields of an access code to create or change; absent ones are left out."""
    fields: JSON = {"name": name, "code": code}
    if starts_at is not None:
        fields["starts_at"] = _seam_time(starts_at)
    if ends_at is not None:
        fields["ends_at"] = _seam_time(ends_at)
    return {key: value for key, value in fields.items() if value is not None}


def _optional_attempt(data: JSON, request_id: str | None) -> ActionAttempt | None:
    """The action attempt of an answer; Seam's fake server sends none for access codes."""
    raw = data.get("action_attempt")
    return ActionAttempt.from_json(raw, request_id) if isinstance(raw, dict) else None


class SeamClient(SeamTransport):
    """One Seam workspace: its devices, lock commands, action attempts, webhooks, access codes."""

    async def get_workspace(self) -> Workspace:
        """Return the workspace of the API key: the cheapest call that proves a key works."""
        data = await self._read("/workspaces/get")
        return Workspace.from_json(data.get("workspace") or {})

    async def list_devices(
        self, *, device_ids: Sequence[str] | None = None, limit: int | None = None
    ) -> list[Device]:
        """Return every device of the workspace, following `page_cursor` through all pages."""
        params: JSON = {}
        if device_ids is not None:
            params["device_ids"] = list(device_ids)
        if limit is not None:
            params["limit"] = limit
        devices: dict[str, Device] = {}
        cursor: str | None = None
        seen_cursors: set[str] = set()
        while True:
            data = await self._read(
                "/devices/list", {**params, "page_cursor": cursor} if cursor else params
            )
            for raw in data.get("devices") or ():
                device = Device.from_json(raw)
                devices.setdefault(device.device_id, device)
            pagination: JSON = data.get("pagination") or {}
            cursor = pagination.get("next_page_cursor") if pagination.get("has_next_page") else None
            if not cursor:
                return list(devices.values())
            if cursor in seen_cursors:
                raise SeamServerError("Seam returned the same page cursor twice", status=200)
            seen_cursors.add(cursor)

    async def get_device(self, device_id: str) -> Device:
        """Return one device."""
        data = await self._read("/devices/get", {"device_id": device_id})
        return Device.from_json(data.get("device") or {})

    async def lock_door(self, device_id: str) -> ActionAttempt:
        """Ask Seam to lock; returns the (normally pending) action attempt. Never retried."""
        return await self._action("/locks/lock_door", {"device_id": device_id})

    async def unlock_door(self, device_id: str) -> ActionAttempt:
        """Ask Seam to unlock; returns the (normally pending) action attempt. Never retried."""
        return await self._action("/locks/unlock_door", {"device_id": device_id})

    async def get_action_attempt(self, action_attempt_id: str) -> ActionAttempt:
        """Return the current state of an action attempt."""
        data, request_id = await self._request(
            "/action_attempts/get", {"action_attempt_id": action_attempt_id}, retry=True
        )
        return ActionAttempt.from_json(data.get("action_attempt") or {}, request_id)

    async def wait_for_action_attempt(
        self,
        action_attempt: ActionAttempt,
        *,
        max_wait: float = ACTION_ATTEMPT_TIMEOUT,
        pushed: asyncio.Future[ActionAttempt] | None = None,
        pace: Pace | None = None,
        timing: Timing | None = None,
        growing: bool = False,
    ) -> ActionAttempt:
        """Wait until the attempt succeeds (returned) or fails (raised), at most `max_wait` s.

        Without `pushed`, polls on `actuation.poll_delay`'s schedule for the lock's `pace`
        (None: nothing learned). With `pushed` (a future that a webhook receiver resolves with
        the attempt's outcome), the outcome comes from it, and one read of the finished attempt
        adds its details; polling while waiting is only a safety net: at `PUSHED_FIRST_POLL`
        s, then every `PUSHED_POLL_INTERVAL` s. `timing`, when given, is told when the outcome
        came and when the last poll still said pending: what the wait observed of the lock
        (with `pushed`, only a pushed outcome tells: a safety-net poll far apart says little).
        `growing`: polls on `actuation.growing_delay` instead (no lock's move, e.g. a code).

        Errors carry the request id of `action_attempt`, i.e. of the command that started it.
        Raises `SeamActionAttemptFailedError` with Seam's error, or
        `SeamActionAttemptTimeoutError` with the last attempt seen. A transient failure of one
        poll does not end the wait: the command is already with Seam, only its answer is late.
        """
        loop = asyncio.get_running_loop()
        start = loop.time()
        timing = timing if timing is not None else Timing()
        attempt = action_attempt
        while attempt.is_pending:
            elapsed = loop.time() - start
            if elapsed >= max_wait:
                raise SeamActionAttemptTimeoutError(attempt, elapsed, action_attempt.request_id)
            if pushed is None:
                delay = (
                    actuation.growing_delay(elapsed)
                    if growing
                    else actuation.poll_delay(pace, elapsed)
                )
                await asyncio.sleep(min(delay, max_wait - elapsed))
            else:
                try:
                    attempt = await asyncio.wait_for(
                        asyncio.shield(pushed),
                        min(
                            max(PUSHED_FIRST_POLL - elapsed, PUSHED_POLL_INTERVAL),
                            max_wait - elapsed,
                        ),
                    )
                except TimeoutError:
                    pass
                else:
                    timing.done_at, timing.pushed = loop.time() - start, True
                    # Seam's outcome events carry neither a failure's reason nor a success's
                    # `result.was_confirmed_by_device`: one read of the finished attempt does.
                    detailed = await self._poll_action_attempt(attempt)
                    if detailed.status is attempt.status:
                        attempt = detailed
                    continue
            sent = loop.time() - start
            polled = await self._poll_action_attempt(attempt)
            if pushed is None and polled is not attempt:  # Seam answered (not a failed poll)
                if polled.is_pending:
                    timing.pending_at = sent
                else:
                    timing.done_at = loop.time() - start
            attempt = polled
        if attempt.status is ActionAttemptStatus.ERROR:
            raise SeamActionAttemptFailedError(attempt, action_attempt.request_id)
        return attempt

    async def _poll_action_attempt(self, attempt: ActionAttempt) -> ActionAttempt:
        """Read the attempt again; on a transient failure keep what we had."""
        try:
            return await self.get_action_attempt(attempt.action_attempt_id)
        except (SeamServerError, SeamRateLimitedError, SeamConnectionError, SeamTimeoutError):
            _LOGGER.debug("Polling action attempt %s failed", attempt.action_attempt_id)
            return attempt

    async def create_webhook(self, url: str, event_types: Sequence[str]) -> Webhook:
        """Ask Seam to post these events to `url`; the answer holds the signing secret."""
        data, _ = await self._request(
            "/webhooks/create", {"url": url, "event_types": list(event_types)}, retry=False
        )
        return Webhook.from_json(data.get("webhook") or {})

    async def list_webhooks(self) -> list[Webhook]:
        """Return every webhook of the workspace."""
        data = await self._read("/webhooks/list")
        return [Webhook.from_json(raw) for raw in data.get("webhooks") or ()]

    async def delete_webhook(self, webhook_id: str) -> None:
        """Delete a webhook; one try, as it runs while an entry unloads or Home Assistant stops."""
        await self._request("/webhooks/delete", {"webhook_id": webhook_id}, retry=False)

    async def list_access_codes(self, device_id: str) -> list[AccessCode]:
        """Return the access codes Seam manages on one device.

        Seam's default page (55,000 codes) holds every code a lock can store, so there is no
        page to follow. Seam's fake server answers with the codes of every device: only this
        device's are kept.
        """
        data = await self._read("/access_codes/list", {"device_id": device_id})
        codes = [
            AccessCode.from_json(raw)
            for raw in data.get("access_codes") or ()
            if isinstance(raw, dict)
        ]
        return [code for code in codes if code.device_id == device_id]

    async def create_access_code(
        self,
        device_id: str,
        *,
        name: str,
        code: str | None = None,
        starts_at: datetime | None = None,
        ends_at: datetime | None = None,
        common_code_key: str | None = None,
    ) -> tuple[AccessCode, ActionAttempt | None]:
        """Create an access code (Seam picks the code when `code` is None). Never retried.

        Both `starts_at` and `ends_at` (aware datetimes) make a time-bound code, neither an
        ongoing one. Returns the new code and the action attempt that sets it, if Seam sent one.
        """
        body = {"device_id": device_id, **_access_code_fields(name, code, starts_at, ends_at)}
        if common_code_key is not None:
            body["common_code_key"] = common_code_key
        data, request_id = await self._request("/access_codes/create", body, retry=False)
        access_code = AccessCode.from_json(data.get("access_code") or {})
        return access_code, _optional_attempt(data, request_id)

    async def update_access_code(
        self,
        access_code_id: str,
        *,
        name: str | None = None,
        code: str | None = None,
        starts_at: datetime | None = None,
        ends_at: datetime | None = None,
    ) -> ActionAttempt | None:
        """Change an access code's name, code or window (None leaves it). Never retried."""
        body = {
            "access_code_id": access_code_id,
            **_access_code_fields(name, code, starts_at, ends_at),
        }
        data, request_id = await self._request("/access_codes/update", body, retry=False)
        return _optional_attempt(data, request_id)

    async def delete_access_code(self, access_code_id: str) -> ActionAttempt | None:
        """Delete an access code from its device. Never retried."""
        data, request_id = await self._request(
            "/access_codes/delete", {"access_code_id": access_code_id}, retry=False
        )
        return _optional_attempt(data, request_id)

    async def _action(self, path: str, body: JSON) -> ActionAttempt:
        data, request_id = await self._request(path, body, retry=False)
        return ActionAttempt.from_json(data.get("action_attempt") or {}, request_id)
