"""Access codes: `/access_codes/*` with production's rules, as Seam documents them.

Unlike Seam's fake server, this checks codes (digits, 4-9 long, the device's lengths) and
windows (both ends, end after start and in the future), refuses devices that cannot program
online codes, filters `list` by device, keeps a code time-bound when an update leaves the
window out, checks duplicates on update, and answers every write with an action attempt that
resolves after `delay` with `outcome`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
import random
import uuid

from .errors import SeamApiError, invalid_field
from .models import JsonObject, Outcome, SimDevice, utc_now_iso
from .routes import Route

SEAM_CODE_LENGTHS = range(4, 10)


def _seam_time(value: datetime) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class SimAccessCode:
    """One access code; `status` follows its window and its action attempts."""

    access_code_id: str
    device_id: str
    name: str
    code: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    is_set: bool = False
    """The last action attempt put the code on the lock."""
    removing: bool = False
    errors: list[JsonObject] = field(default_factory=list)
    warnings: list[JsonObject] = field(default_factory=list)
    common_code_key: str | None = None
    created_at: str = field(default_factory=utc_now_iso)

    @property
    def status(self) -> str:
        """`removing` while deleted, `unset` before its window, else `setting` until set."""
        if self.removing:
            return "removing"
        if self.starts_at is not None and datetime.now(UTC) < self.starts_at:
            return "unset"
        return "set" if self.is_set else "setting"

    @property
    def expired(self) -> bool:
        """Seam removes a time-bound code once its window is over."""
        return self.ends_at is not None and self.ends_at <= datetime.now(UTC)

    def to_json(self) -> JsonObject:
        """Seam's access code object."""
        body: JsonObject = {
            "access_code_id": self.access_code_id,
            "device_id": self.device_id,
            "name": self.name,
            "code": self.code,
            "status": self.status,
            "type": "ongoing" if self.starts_at is None else "time_bound",
            "created_at": self.created_at,
            "errors": [dict(error) for error in self.errors],
            "warnings": [dict(warning) for warning in self.warnings],
            "is_managed": True,
            "common_code_key": self.common_code_key,
            "is_backup_access_code_available": False,
            "is_external_modification_allowed": False,
            "is_offline_access_code": False,
            "is_one_time_use": False,
        }
        if self.starts_at is not None and self.ends_at is not None:
            body |= {"starts_at": _seam_time(self.starts_at), "ends_at": _seam_time(self.ends_at)}
        return body


def _time(params: JsonObject, name: str) -> datetime | None:
    value = params.get(name)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise invalid_field(name, "Expected an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        raise invalid_field(name, "Expected a time zone")
    return parsed.astimezone(UTC)


def _window(
    starts_at: datetime | None, ends_at: datetime | None
) -> tuple[datetime | None, datetime | None]:
    if (starts_at is None) != (ends_at is None):
        raise SeamApiError(
            400, "invalid_input", "Both starts_at and ends_at must be provided if one is"
        )
    if starts_at is not None and ends_at is not None:
        if ends_at <= starts_at:
            raise invalid_field("ends_at", "Must be after starts_at")
        if ends_at <= datetime.now(UTC):
            raise invalid_field("ends_at", "Must be in the future")
    return starts_at, ends_at


class AccessCodes:
    """Every access code of the workspace, and the action attempts that set and remove them."""

    def __init__(self, devices: dict[str, SimDevice], attempts: dict[str, JsonObject]) -> None:
        """Codes of `devices`; attempts go into `attempts` (read by `/action_attempts/get`)."""
        self.by_id: dict[str, SimAccessCode] = {}
        self.outcome = Outcome()
        """How the next access-code action attempts end."""
        self.delay = 0.0
        """Seconds from a write to the end of its action attempt."""
        self.unlistable: set[str] = set()
        """Devices whose codes `/access_codes/list` cannot read for now (it answers 500)."""
        self._devices = devices
        self._attempts = attempts
        self._timers: set[asyncio.TimerHandle] = set()

    def routes(self) -> dict[str, Route]:
        """The `/access_codes/*` routes."""
        return {
            "/access_codes/list": Route(self.list, read_only=True),
            "/access_codes/create": Route(self.create, read_only=False),
            "/access_codes/update": Route(self.update, read_only=False),
            "/access_codes/delete": Route(self.delete, read_only=False),
        }

    def on(self, device_id: str) -> list[SimAccessCode]:
        """The codes of one device, as `/access_codes/list` shows them."""
        return [c for c in self.by_id.values() if c.device_id == device_id and not c.expired]

    def list(self, params: JsonObject) -> JsonObject:
        """`/access_codes/list`: the codes of one device (or of the given ids)."""
        device_id = params.get("device_id")
        ids = params.get("access_code_ids")
        if device_id is None and ids is None:
            raise SeamApiError(
                400, "invalid_input", "Either 'device_id' or 'access_code_ids' is required"
            )
        if device_id is not None:
            self._device(device_id)
            if device_id in self.unlistable:
                raise SeamApiError(
                    500, "internal_server_error", "Could not reach the lock's provider"
                )
            codes = self.on(device_id)
        else:
            codes = [c for c in self.by_id.values() if c.access_code_id in ids and not c.expired]
        return {
            "access_codes": [code.to_json() for code in codes],
            "pagination": {"has_next_page": False, "next_page_cursor": None, "next_page_url": None},
        }

    def create(self, params: JsonObject) -> JsonObject:
        """`/access_codes/create`: a new code, `setting` until its action attempt succeeds."""
        device = self._device(params.get("device_id"))
        if device.can_program_online_access_codes is not True:
            raise SeamApiError(
                400, "invalid_input", f"Device {device.device_id} cannot program access codes."
            )
        starts_at, ends_at = _window(_time(params, "starts_at"), _time(params, "ends_at"))
        name = str(params.get("name") or "New Access Code")
        code = params.get("code")
        if code is None:
            code = self._generate(device)
        self._check_code(device, code, name)
        key = params.get("common_code_key")
        access_code = SimAccessCode(
            str(uuid.uuid4()),
            device.device_id,
            name,
            code,
            starts_at,
            ends_at,
            common_code_key=str(key) if key is not None else None,
        )
        self.by_id[access_code.access_code_id] = access_code
        attempt = self._start("CREATE_ACCESS_CODE", access_code)
        return {"access_code": access_code.to_json(), "action_attempt": attempt}

    def update(self, params: JsonObject) -> JsonObject:
        """`/access_codes/update`: change a code; a window left out stays as it was."""
        access_code = self._access_code(params.get("access_code_id"))
        device = self._device(access_code.device_id)
        code = params.get("code")
        if code is not None:
            self._check_code(device, code, access_code.name, exclude=access_code.access_code_id)
        starts_at, ends_at = access_code.starts_at, access_code.ends_at
        if params.get("type") == "ongoing":
            starts_at = ends_at = None
        elif "starts_at" in params or "ends_at" in params:
            starts_at, ends_at = _window(
                _time(params, "starts_at") or starts_at, _time(params, "ends_at") or ends_at
            )
        access_code.name = str(params.get("name") or access_code.name)
        access_code.code = code or access_code.code
        access_code.starts_at, access_code.ends_at = starts_at, ends_at
        access_code.is_set = False
        return {"action_attempt": self._start("UPDATE_ACCESS_CODE", access_code)}

    def delete(self, params: JsonObject) -> JsonObject:
        """`/access_codes/delete`: `removing` until its action attempt succeeds."""
        access_code = self._access_code(params.get("access_code_id"))
        access_code.removing = True
        return {"action_attempt": self._start("DELETE_ACCESS_CODE", access_code)}

    def cancel_timers(self) -> None:
        """Cancel every scheduled resolution; those attempts stay pending."""
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    def _device(self, device_id: object) -> SimDevice:
        if not isinstance(device_id, str):
            raise invalid_field("device_id", "Required")
        if (device := self._devices.get(device_id)) is None:
            raise SeamApiError(404, "device_not_found", "Device not found")
        return device

    def _access_code(self, access_code_id: object) -> SimAccessCode:
        if not isinstance(access_code_id, str):
            raise invalid_field("access_code_id", "Required")
        access_code = self.by_id.get(access_code_id)
        if access_code is None or access_code.expired:
            raise SeamApiError(
                404, "access_code_not_found", f"Could not find access code {access_code_id}"
            )
        return access_code

    def _check_code(
        self, device: SimDevice, code: object, name: str, exclude: str | None = None
    ) -> None:
        lengths = device.properties.get("supported_code_lengths") or SEAM_CODE_LENGTHS
        if not isinstance(code, str) or not code.isascii() or not code.isdigit():
            raise invalid_field("code", "Must contain only digits")
        if len(code) not in lengths:
            raise invalid_field("code", f"Length must be one of {list(lengths)}")
        for other in self.on(device.device_id):
            if other.code == code and other.access_code_id != exclude:
                raise SeamApiError(
                    409,
                    "duplicate_access_code",
                    f"Cannot set duplicate access code {code} named {name}",
                )

    def _generate(self, device: SimDevice) -> str:
        lengths = device.properties.get("supported_code_lengths") or [4]
        taken = {code.code for code in self.on(device.device_id)}
        while True:
            code = "".join(random.choices("123456789", k=min(lengths)))
            if code not in taken:
                return code

    def _start(self, action_type: str, access_code: SimAccessCode) -> JsonObject:
        """A pending attempt, resolved with `outcome` after `delay` (never while answering)."""
        attempt: JsonObject = {
            "action_attempt_id": str(uuid.uuid4()),
            "action_type": action_type,
            "status": "pending",
            "result": None,
            "error": None,
        }
        self._attempts[attempt["action_attempt_id"]] = attempt
        outcome = replace(self.outcome)
        if outcome.status != "never":
            timer: asyncio.TimerHandle | None = None

            def fire() -> None:
                self._timers.discard(timer)  # type: ignore[arg-type]
                self._resolve(attempt, access_code, outcome)

            timer = asyncio.get_running_loop().call_later(max(self.delay, 0.0), fire)
            self._timers.add(timer)
        return dict(attempt)

    def _resolve(self, attempt: JsonObject, access_code: SimAccessCode, outcome: Outcome) -> None:
        deleting = attempt["action_type"] == "DELETE_ACCESS_CODE"
        if outcome.status == "success":
            attempt.update(status="success", result={}, error=None)
            if deleting:
                self.by_id.pop(access_code.access_code_id, None)
            else:
                access_code.is_set = True
                access_code.errors.clear()
            return
        attempt.update(
            status="error",
            result=None,
            error={"type": outcome.error_type, "message": outcome.error_message},
        )
        if deleting:
            access_code.removing = False
        else:
            access_code.errors.append(
                {
                    "error_code": "failed_to_set_on_device",
                    "message": outcome.error_message,
                    "created_at": utc_now_iso(),
                    "is_access_code_error": True,
                }
            )
