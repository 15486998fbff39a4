"""Typed, frozen models of what Seam returns, parsed in one place.

Unknown fields are ignored and unknown enum values are kept as plain strings, so a new Seam
release never breaks parsing; a missing required field raises `SeamServerError`, because the
answer is not what Seam documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from .parsing import JSON, opt_bool, opt_datetime, opt_float, opt_str, require


class ActionAttemptStatus(StrEnum):
    """Where an action attempt stands; values Seam adds later read as `UNKNOWN`."""

    PENDING = "pending"
    SUCCESS = "success"
    ERROR = "error"
    UNKNOWN = "unknown"

    @classmethod
    def _missing_(cls, value: object) -> ActionAttemptStatus:
        return cls.UNKNOWN


@dataclass(frozen=True, slots=True)
class Workspace:
    """A Seam workspace: the account an API key belongs to."""

    workspace_id: str
    name: str
    company_name: str | None = None
    is_sandbox: bool = False

    @classmethod
    def from_json(cls, data: JSON) -> Workspace:
        """Parse Seam's workspace object."""
        workspace_id = str(require(data, "workspace_id", "workspace"))
        return cls(
            workspace_id=workspace_id,
            name=opt_str(data.get("name")) or workspace_id,
            company_name=opt_str(data.get("company_name")),
            is_sandbox=data.get("is_sandbox") is True,
        )


@dataclass(frozen=True, slots=True)
class DeviceError:
    """One entry of a device's `errors`; `code` may be one Seam adds later."""

    code: str
    message: str
    is_device_error: bool = True
    is_connected_account_error: bool = False
    created_at: datetime | None = None

    @classmethod
    def from_json(cls, data: JSON) -> DeviceError:
        """Parse one device error."""
        return cls(
            code=opt_str(data.get("error_code")) or "unknown_error",
            message=opt_str(data.get("message")) or "",
            is_device_error=data.get("is_device_error") is not False,
            is_connected_account_error=data.get("is_connected_account_error") is True,
            created_at=opt_datetime(data.get("created_at")),
        )


@dataclass(frozen=True, slots=True)
class DeviceWarning:
    """One entry of a device's `warnings`."""

    code: str
    message: str
    created_at: datetime | None = None

    @classmethod
    def from_json(cls, data: JSON) -> DeviceWarning:
        """Parse one device warning."""
        return cls(
            code=opt_str(data.get("warning_code")) or "unknown_warning",
            message=opt_str(data.get("message")) or "",
            created_at=opt_datetime(data.get("created_at")),
        )


@dataclass(frozen=True, slots=True)
class CodeConstraints:
    """What codes a device accepts: Seam's supported lengths and its constraint types."""

    supported_code_lengths: tuple[int, ...] = ()
    constraint_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Device:
    """A Seam device, with what Home Assistant needs of a lock."""

    device_id: str
    device_type: str
    display_name: str
    nickname: str | None = None
    connected_account_id: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    serial_number: str | None = None
    image_url: str | None = None
    online: bool = False
    locked: bool | None = None
    door_open: bool | None = None
    battery_level: float | None = None
    battery_status: str | None = None
    has_direct_power: bool | None = None
    keypad_battery_level: float | None = None
    # Seam's capability flags have three values: True, it works now; False, the device has it
    # but it does not work at the moment (its errors say why); None, the device lacks it.
    can_remotely_lock: bool | None = None
    can_remotely_unlock: bool | None = None
    can_program_online_access_codes: bool | None = None
    code_constraints: CodeConstraints = field(default_factory=CodeConstraints)
    # How many access codes the lock holds at once, when Seam says.
    max_active_codes: int | None = None
    errors: tuple[DeviceError, ...] = ()
    warnings: tuple[DeviceWarning, ...] = ()

    @property
    def name(self) -> str:
        """The name the user gave the device in Seam, else Seam's display name."""
        return self.nickname or self.display_name

    @property
    def is_lock(self) -> bool:
        """A lock by Seam's rule: a remote lock/unlock flag of any value, or `locked` reported.

        A flag turning False never makes it stop being one. `capabilities_supported` alone is
        no proof: Seam's fake lists "lock" for thermostats.
        """
        return (
            self.can_remotely_lock is not None
            or self.can_remotely_unlock is not None
            or self.locked is not None
        )

    @property
    def can_be_controlled(self) -> bool:
        """Seam says it can lock or unlock the device right now."""
        return self.can_remotely_lock is True or self.can_remotely_unlock is True

    def reason(self) -> str:
        """Why something does not work, in Seam's words: its errors, then its warnings ("-")."""
        said = [(e.message, e.code) for e in self.errors] + [
            (w.message, w.code) for w in self.warnings
        ]
        return "; ".join((message or code).rstrip(" .") for message, code in said) or "-"

    @classmethod
    def from_json(cls, data: JSON) -> Device:
        """Parse Seam's device object."""
        device_id = str(require(data, "device_id", "device"))
        props: JSON = data.get("properties") or {}
        model: JSON = props.get("model") or {}
        battery: JSON = props.get("battery") or {}
        keypad_battery: JSON = props.get("keypad_battery") or (
            (props.get("accessory_keypad") or {}).get("battery") or {}
        )
        manufacturer = opt_str(model.get("manufacturer_display_name")) or opt_str(
            props.get("manufacturer")
        )
        battery_level = opt_float(props.get("battery_level"))
        if battery_level is None:
            battery_level = opt_float(battery.get("level"))
        online = props.get("online") is True
        locked = opt_bool(props.get("locked"))
        lock_flag = opt_bool(data.get("can_remotely_lock"))
        unlock_flag = opt_bool(data.get("can_remotely_unlock"))
        if (
            locked is not None
            and not any(key.startswith("can_") for key in data)
            and "lock" in (data.get("capabilities_supported") or ())
        ):
            # Seam's shape from before 2024 has no flags at all: a lock (it reports `locked`)
            # that Seam drives says "lock" in capabilities_supported, and works while online.
            lock_flag = unlock_flag = online
        lengths = props.get("supported_code_lengths") or []
        constraints = props.get("code_constraints") or []
        # Seam's display_name is the nickname or else appearance.name; reading appearance.name
        # first gives the same name in production and the real one from Seam's fake server,
        # whose display_name is "Smart Device" for every device.
        display_name = (
            opt_str((props.get("appearance") or {}).get("name"))
            or opt_str(data.get("display_name"))
            or opt_str(props.get("name"))
            or device_id
        )
        return cls(
            device_id=device_id,
            device_type=opt_str(data.get("device_type")) or "unknown",
            display_name=display_name,
            nickname=opt_str(data.get("nickname")),
            connected_account_id=opt_str(data.get("connected_account_id")),
            manufacturer=manufacturer,
            model=opt_str(model.get("display_name")),
            serial_number=opt_str(props.get("serial_number"))
            or _number_str(props.get("serial_number")),
            image_url=opt_str(props.get("image_url")),
            online=online,
            locked=locked,
            door_open=opt_bool(props.get("door_open")),
            battery_level=battery_level,
            battery_status=opt_str(battery.get("status")),
            has_direct_power=opt_bool(props.get("has_direct_power")),
            keypad_battery_level=opt_float(keypad_battery.get("level")),
            can_remotely_lock=lock_flag,
            can_remotely_unlock=unlock_flag,
            can_program_online_access_codes=opt_bool(data.get("can_program_online_access_codes")),
            code_constraints=CodeConstraints(
                supported_code_lengths=tuple(
                    int(n) for n in lengths if opt_float(n) is not None and float(n).is_integer()
                ),
                constraint_types=tuple(
                    str(c["constraint_type"])
                    for c in constraints
                    if isinstance(c, dict) and "constraint_type" in c
                ),
            ),
            max_active_codes=_whole(props.get("max_active_codes_supported")),
            errors=tuple(
                DeviceError.from_json(e) for e in data.get("errors") or () if isinstance(e, dict)
            ),
            warnings=tuple(
                DeviceWarning.from_json(w)
                for w in data.get("warnings") or ()
                if isinstance(w, dict)
            ),
        )


@dataclass(frozen=True, slots=True)
class ActionAttempt:
    """What Seam is doing for a command: pending until `success` or `error`."""

    action_attempt_id: str
    action_type: str
    status: ActionAttemptStatus
    error_type: str | None = None
    error_message: str | None = None
    # Newer API versions say whether the provider saw the bolt move; None when not reported.
    was_confirmed_by_device: bool | None = None
    request_id: str | None = None

    @property
    def is_pending(self) -> bool:
        """Seam is still working (an unknown status counts as still working)."""
        return self.status in (ActionAttemptStatus.PENDING, ActionAttemptStatus.UNKNOWN)

    @classmethod
    def from_json(cls, data: JSON, request_id: str | None = None) -> ActionAttempt:
        """Parse Seam's action attempt object."""
        error: JSON = data.get("error") or {}
        result: JSON = data.get("result") or {}
        return cls(
            action_attempt_id=str(require(data, "action_attempt_id", "action attempt")),
            action_type=opt_str(data.get("action_type")) or "UNKNOWN",
            status=ActionAttemptStatus(require(data, "status", "action attempt")),
            error_type=opt_str(error.get("type")),
            error_message=opt_str(error.get("message")),
            was_confirmed_by_device=opt_bool(result.get("was_confirmed_by_device")),
            request_id=request_id,
        )


@dataclass(frozen=True, slots=True)
class Webhook:
    """A Seam webhook: where Seam posts events, and the secret that signs them."""

    webhook_id: str
    url: str
    secret: str | None = None
    event_types: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: JSON) -> Webhook:
        """Parse Seam's webhook object."""
        return cls(
            webhook_id=str(require(data, "webhook_id", "webhook")),
            url=opt_str(data.get("url")) or "",
            secret=opt_str(data.get("secret")),
            event_types=tuple(str(t) for t in data.get("event_types") or ()),
        )


class AccessCodeStatus(StrEnum):
    """Where an access code stands on its device; values Seam adds later read as `UNKNOWN`."""

    SETTING = "setting"
    SET = "set"
    UNSET = "unset"
    REMOVING = "removing"
    UNKNOWN = "unknown"

    @classmethod
    def _missing_(cls, value: object) -> AccessCodeStatus:
        return cls.UNKNOWN


@dataclass(frozen=True, slots=True)
class AccessCode:
    """A PIN code Seam manages on a device: `ongoing`, or `time_bound` to its window."""

    access_code_id: str
    device_id: str
    name: str
    code: str | None
    status: AccessCodeStatus
    type: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    # Seam's `error_code` / `warning_code` of each entry, e.g. `failed_to_set_on_device`.
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    # Seam's key for codes that share a PIN; booking codes use it to mark their own.
    common_code_key: str | None = None

    @property
    def is_time_bound(self) -> bool:
        """The code works only between `starts_at` and `ends_at`."""
        return self.type == "time_bound"

    @classmethod
    def from_json(cls, data: JSON) -> AccessCode:
        """Parse Seam's access code object."""
        starts_at = opt_datetime(data.get("starts_at"))
        ends_at = opt_datetime(data.get("ends_at"))
        return cls(
            access_code_id=str(require(data, "access_code_id", "access code")),
            device_id=str(require(data, "device_id", "access code")),
            name=opt_str(data.get("name")) or "",
            code=opt_str(data.get("code")),
            status=AccessCodeStatus(opt_str(data.get("status")) or "unknown"),
            type=opt_str(data.get("type")) or ("time_bound" if ends_at else "ongoing"),
            starts_at=starts_at,
            ends_at=ends_at,
            errors=_issue_codes(data.get("errors"), "error_code"),
            warnings=_issue_codes(data.get("warnings"), "warning_code"),
            common_code_key=opt_str(data.get("common_code_key")),
        )


def _whole(value: Any) -> int | None:
    """A count Seam sent as a JSON number (its schema says float), if it is a whole one."""
    number = opt_float(value)
    return int(number) if number is not None and number.is_integer() and number >= 0 else None


def _number_str(value: Any) -> str | None:
    """A serial number Seam sent as a JSON number, as the digits it is."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _issue_codes(entries: Any, key: str) -> tuple[str, ...]:
    """The codes of an `errors` or `warnings` list, skipping malformed entries."""
    if not isinstance(entries, list):
        return ()
    return tuple(str(entry[key]) for entry in entries if isinstance(entry, dict) and entry.get(key))
