"""Access codes of one lock: check, send to Seam, track the attempt, tell the user of failures.

Like a lock command, a failure reaches the user twice: as the action's translated error and
as a persistent notification naming the lock and the code, which a later success for the same
code on that lock dismisses. Input Seam would refuse is refused before anything is sent.

A PIN is a key to the house: only the responses of the create and list actions give it. Every
message names a code by its name (or, without one, by "…" and its last digit), and Seam's own
words, which may quote the PIN, show it masked.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util, slugify
from homeassistant.util.json import JsonObjectType

from .access_code_rules import check_can_program, check_code, check_window
from .api import (
    ACTION_ATTEMPT_TIMEOUT,
    AccessCode,
    ActionAttempt,
    Device,
    SeamConflictError,
    SeamError,
    SeamNotFoundError,
    SeamUnauthorizedError,
    masked_code,
)
from .const import DOMAIN
from .coordinator import SeamCoordinator
from .failures import async_notify_failure, command_error

# Polled, never pushed: Seam's webhook events announce only lock and unlock attempts.
ACCESS_CODE_ATTEMPT_TIMEOUT = ACTION_ATTEMPT_TIMEOUT


class AccessCodeAction(StrEnum):
    """An access-code action; the value is the action's name in Home Assistant."""

    CREATE = "create_access_code"
    UPDATE = "update_access_code"
    DELETE = "delete_access_code"
    LIST = "list_access_codes"


def notification_id(device_id: str, code_name: str) -> str:
    """One notification per lock and code name: a new failure replaces the last one."""
    return f"{DOMAIN}_access_code_{device_id}_{slugify(code_name)}"


def code_label(access_code: AccessCode) -> str:
    """How messages name an access code: its name, else its masked PIN, else its id."""
    if access_code.name.strip():
        return access_code.name
    return masked_code(access_code.code) if access_code.code else access_code.access_code_id


def _local(value: datetime | None) -> str | None:
    return None if value is None else dt_util.as_local(value).isoformat()


def access_code_response(access_code: AccessCode) -> JsonObjectType:
    """An access code as an action's response shows it, times in Home Assistant's zone."""
    return {
        "access_code_id": access_code.access_code_id,
        "name": access_code.name,
        "code": access_code.code,
        "status": access_code.status.value,
        "type": access_code.type,
        "starts_at": _local(access_code.starts_at),
        "ends_at": _local(access_code.ends_at),
        "errors": list(access_code.errors),
        "warnings": list(access_code.warnings),
    }


class LockAccessCodes:
    """The access codes Seam manages on one lock, as it was when the action was called."""

    def __init__(self, hass: HomeAssistant, coordinator: SeamCoordinator, device: Device) -> None:
        """Act on `device` through the coordinator's client."""
        self._hass = hass
        self._coordinator = coordinator
        self._client = coordinator.client
        self._device = device

    async def async_list(self) -> list[AccessCode]:
        """Every access code of the lock."""
        try:
            return await self._client.list_access_codes(self._device.device_id)
        except SeamError as err:
            raise command_error(err, AccessCodeAction.LIST, self._device.name) from err

    async def async_create(
        self,
        name: str,
        code: str | None,
        starts_at: datetime | None,
        ends_at: datetime | None,
    ) -> AccessCode:
        """Create a code (ongoing, or time-bound with both ends) and wait until Seam sets it."""
        check_can_program(self._device)
        check_window(self._device, starts_at, ends_at, dt_util.utcnow())
        if code is not None:
            check_code(self._device, code)
        try:
            access_code, attempt = await self._client.create_access_code(
                self._device.device_id, name=name, code=code, starts_at=starts_at, ends_at=ends_at
            )
            await self._async_wait(attempt)
        except SeamError as err:
            raise await self._async_failed(err, AccessCodeAction.CREATE, name, code) from err
        self._async_dismiss(name)
        return access_code

    async def async_update(
        self,
        access_code_id: str | None,
        name: str | None,
        *,
        new_name: str | None,
        code: str | None,
        starts_at: datetime | None,
        ends_at: datetime | None,
    ) -> None:
        """Change the name, code or window of the code with this id or name."""
        self._check_identified(access_code_id, name)
        check_can_program(self._device)
        if new_name is None and code is None and starts_at is None and ends_at is None:
            raise self._invalid("access_code_nothing_to_update")
        if code is not None:
            check_code(self._device, code)
        target, codes = await self._async_find(access_code_id, name)
        label = code_label(target)
        if code is not None and (
            clash := next(
                (c for c in codes if c.code == code and c.access_code_id != target.access_code_id),
                None,
            )
        ):
            raise self._duplicate(label, clash)
        if starts_at is not None or ends_at is not None:
            new_start = starts_at is not None
            starts_at = starts_at or target.starts_at
            ends_at = ends_at or target.ends_at
            check_window(self._device, starts_at, ends_at, dt_util.utcnow(), new_start=new_start)
        elif target.is_time_bound:
            # Sent again so the code stays time-bound: Seam's fake server makes a code ongoing
            # when an update leaves the window out (production keeps it).
            starts_at, ends_at = target.starts_at, target.ends_at
        try:
            attempt = await self._client.update_access_code(
                target.access_code_id,
                name=new_name,
                code=code,
                starts_at=starts_at,
                ends_at=ends_at,
            )
            await self._async_wait(attempt)
        except SeamError as err:
            raise await self._async_failed(
                err, AccessCodeAction.UPDATE, label, code, target.code
            ) from err
        self._async_dismiss(label)

    async def async_delete(self, access_code_id: str | None, name: str | None) -> None:
        """Delete the code with this id or name and wait until Seam has removed it."""
        self._check_identified(access_code_id, name)
        target, _ = await self._async_find(access_code_id, name)
        label = code_label(target)
        try:
            await self._async_wait(await self._client.delete_access_code(target.access_code_id))
        except SeamError as err:
            raise await self._async_failed(
                err, AccessCodeAction.DELETE, label, None, target.code
            ) from err
        self._async_dismiss(label)

    def _check_identified(self, access_code_id: str | None, name: str | None) -> None:
        if (access_code_id is None) == (name is None):
            raise self._invalid("access_code_identify")

    async def _async_find(
        self, access_code_id: str | None, name: str | None
    ) -> tuple[AccessCode, list[AccessCode]]:
        """The code with this id or name (matched ignoring case), and every code of the lock."""
        codes = await self.async_list()
        if access_code_id is not None:
            if found := [c for c in codes if c.access_code_id == access_code_id]:
                return found[0], codes
            raise self._invalid("access_code_unknown_id", access_code_id=access_code_id)
        assert name is not None
        found = [c for c in codes if c.name.strip().casefold() == name.strip().casefold()]
        if not found:
            known = ", ".join(sorted(code_label(c) for c in codes)) or "-"
            raise self._invalid("access_code_unknown_name", access_code=name, known=known)
        if len(found) > 1:
            ids = ", ".join(c.access_code_id for c in found)
            raise self._invalid("access_code_ambiguous_name", access_code=name, ids=ids)
        return found[0], codes

    async def _async_wait(self, attempt: ActionAttempt | None) -> None:
        if attempt is not None:
            # Programmed through the lock's hub: no lock's pace to learn, gaps that grow.
            await self._client.wait_for_action_attempt(
                attempt, max_wait=ACCESS_CODE_ATTEMPT_TIMEOUT, growing=True
            )

    async def _async_failed(
        self,
        err: SeamError,
        action: AccessCodeAction,
        code_name: str,
        code: str | None,
        current_code: str | None = None,
    ) -> HomeAssistantError:
        """Translate Seam's failure, tell the user in a notification, return what to raise.

        `code` is the PIN sent, `current_code` the one the code had: Seam's words may quote
        either, so `err` names them masked from here on (its text also reaches logs as the
        cause of the raised error).
        """
        err.hide_code(code)
        err.hide_code(current_code)
        error: HomeAssistantError
        if isinstance(err, SeamConflictError) and err.error_type == "duplicate_access_code":
            error = await self._async_duplicate_answer(code_name, code, err)
        elif isinstance(err, SeamNotFoundError) and err.error_type == "access_code_not_found":
            error = self._invalid("access_code_gone", HomeAssistantError, access_code=code_name)
        else:
            error = command_error(err, action, self._device.name, access_code=code_name)
            if isinstance(err, SeamUnauthorizedError | SeamNotFoundError):
                # The coordinator's next read starts re-authentication or removes the lock.
                await self._coordinator.async_request_refresh()
        await async_notify_failure(
            self._hass,
            notification_id(self._device.device_id, code_name),
            "access_code_failed_title",
            error,
        )
        return error

    async def _async_duplicate_answer(
        self, code_name: str, code: str | None, err: SeamConflictError
    ) -> HomeAssistantError:
        """Seam refused a code the lock already has: name the code it clashes with."""
        clash: AccessCode | None = None
        if code is not None:
            try:
                codes = await self._client.list_access_codes(self._device.device_id)
            except SeamError:
                codes = []
            clash = next((c for c in codes if c.code == code), None)
        if clash is None:
            return self._invalid(
                "access_code_duplicate_unnamed",
                access_code=code_name,
                message=err.message,
                request_id=err.request_id or "-",
            )
        return self._duplicate(code_name, clash)

    def _duplicate(self, code_name: str, clash: AccessCode) -> HomeAssistantError:
        """The code is already used on the lock by `clash`: the user picks another."""
        return self._invalid(
            "access_code_duplicate",
            access_code=code_name,
            clash=code_label(clash),
            clash_id=clash.access_code_id,
        )

    def _invalid(
        self,
        key: str,
        kind: type[HomeAssistantError] = ServiceValidationError,
        **placeholders: str,
    ) -> HomeAssistantError:
        return kind(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders={"name": self._device.name, **placeholders},
        )

    @callback
    def _async_dismiss(self, code_name: str) -> None:
        """The code has since worked: its failure notification no longer applies."""
        persistent_notification.async_dismiss(
            self._hass, notification_id(self._device.device_id, code_name)
        )
