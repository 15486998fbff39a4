"""The simulator's state: devices, action attempt outcomes, injected faults, recorded requests."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

type JsonObject = dict[str, Any]

# Seam's smart-lock device types (OpenAPI `device_type` enum); `/locks/*` only sees these.
LOCK_DEVICE_TYPES = frozenset(
    {
        "akiles_lock",
        "akuvox_lock",
        "august_lock",
        "avigilon_alta_entry",
        "brivo_access_point",
        "butterflymx_panel",
        "controlbyweb_device",
        "doorking_lock",
        "dormakaba_oracode_door",
        "four_suites_door",
        "genie_door",
        "hubitat_lock",
        "igloo_lock",
        "igloohome_lock",
        "korelock_lock",
        "kwikset_lock",
        "linear_lock",
        "lockly_lock",
        "nuki_lock",
        "salto_lock",
        "schlage_lock",
        "seam_relay",
        "smartthings_lock",
        "tedee_lock",
        "ttlock_lock",
        "two_n_intercom",
        "ultraloq_lock",
        "wyze_lock",
        "yale_lock",
    }
)


def battery_status_for(level: float) -> str:
    """Seam's battery status bucket for a 0..1 battery level."""
    if level <= 0.1:
        return "critical"
    if level <= 0.25:
        return "low"
    if level <= 0.8:
        return "good"
    return "full"


def utc_now_iso() -> str:
    """Timestamp in Seam's format (ISO 8601, UTC, milliseconds, `Z`)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Outcome:
    """How a lock/unlock action attempt ends."""

    status: Literal["success", "error", "never"] = "success"
    """`never` leaves the attempt pending forever (until `complete_action_attempt`)."""
    error_type: str = "uncategorized_error"
    error_message: str = "The lock did not respond."
    was_confirmed_by_device: bool | None = True
    """Rendered in a successful attempt's `result`; None omits it (older API versions)."""


@dataclass
class Fault:
    """One injected fault, consumed by the next request to its route."""

    status: int | None = None
    """HTTP status to answer; None answers normally (e.g. only `delay`), or 200 with `body`."""
    error_type: str | None = None
    """`error.type` in the JSON body; None picks the usual type for `status`."""
    message: str | None = None
    retry_after: float | None = None
    """Adds a `Retry-After` header (seconds)."""
    body: bytes | None = None
    """Raw body instead of the answer, e.g. b"" (503 outage) or b"{not json" (even on 200)."""
    delay: float = 0.0
    """Seconds to wait before acting and answering (slow response)."""
    delay_after: float = 0.0
    """Seconds to wait after acting, before answering: Seam did it, its answer is late."""
    drop: bool = False
    """Close the connection without an answer (after `delay`)."""


@dataclass
class RecordedRequest:
    """One request the simulator received, in arrival order."""

    path: str
    body: JsonObject
    """The JSON body, or the query parameters of a GET ({} when unreadable)."""
    status: int
    """HTTP status answered; 0 while still in flight or when the connection was dropped."""
    at: float
    """Arrival time, `time.monotonic()`."""
    method: str = "POST"


@dataclass(kw_only=True)
class SimDevice:
    """Mutable state of one device; `to_json()` renders Seam's device object.

    Tests change fields directly (e.g. `device.online = False`); the next read sees it.
    """

    device_id: str
    device_type: str
    display_name: str
    manufacturer: str
    model: str
    nickname: str | None = None
    serial_number: str | None = None
    online: bool = True
    locked: bool | None = None
    door_open: bool | None = None
    battery_level: float | None = None
    """0..1; None omits `battery_level` and `battery` from the properties."""
    battery_status: str | None = None
    """Overrides the status derived from `battery_level`."""
    can_remotely_lock: bool | None = None
    can_remotely_unlock: bool | None = None
    can_program_online_access_codes: bool | None = None
    """Whether the device has each capability (None: it lacks it). As Seam does, a capability
    it has renders `false` while it does not work: offline, or its account disconnected."""
    errors: list[JsonObject] = field(default_factory=list)
    warnings: list[JsonObject] = field(default_factory=list)
    properties: JsonObject = field(default_factory=dict)
    """Extra entries merged over the rendered `properties` (e.g. `keypad_battery`)."""
    actuation_delay: float = 0.0
    """Seconds from a lock/unlock request to its action attempt's outcome."""
    outcome: Outcome = field(default_factory=Outcome)
    """Outcome of the next lock/unlock requests (persists until changed)."""
    workspace_id: str = "workspace_sim_1"
    connected_account_id: str = "connected_account_sim_1"
    created_at: str = field(default_factory=utc_now_iso)
    published: JsonObject | None = None
    """A device object as Seam itself published it (tests/payloads/): served exactly so."""

    @property
    def is_lock(self) -> bool:
        """Whether Seam files this device under `/locks/*`."""
        return self.device_type in LOCK_DEVICE_TYPES

    @property
    def working(self) -> bool:
        """Seam can reach the device: it is online and its account is connected."""
        return self.online and not any(
            error.get("is_connected_account_error") for error in self.errors
        )

    def flag(self, name: str) -> bool | None:
        """A capability flag as Seam renders it now: absent, or whether it works now."""
        if self.published is not None:
            value = self.published.get(name)
            return value if isinstance(value, bool) else None
        has: bool | None = getattr(self, name)
        return None if has is None else has and self.working

    def disconnect_account(self) -> None:
        """The device's account disconnects, as Seam reports it: offline, flags `false`."""
        self.online = False
        self.errors = [
            *self.errors,
            {
                "error_code": "account_disconnected",
                "message": "Account Disconnected",
                "is_connected_account_error": True,
                "is_device_error": False,
                "created_at": utc_now_iso(),
            },
        ]

    def reconnect_account(self) -> None:
        """The device's account is connected again."""
        self.online = True
        self.errors = [e for e in self.errors if e.get("error_code") != "account_disconnected"]

    def to_json(self) -> JsonObject:
        """Render the device the way Seam's `/devices/get` does."""
        if self.published is not None:
            return copy.deepcopy(self.published)
        properties: JsonObject = {
            "name": self.display_name,
            "appearance": {"name": self.display_name},
            "online": self.online,
            "manufacturer": self.manufacturer,
            "model": {
                "display_name": self.model,
                "manufacturer_display_name": self.manufacturer.replace("_", " ").title(),
            },
            "image_url": f"https://connect.getseam.com/assets/images/devices/{self.device_type}.png",
        }
        # Optional properties are absent (not null) in Seam's JSON when unknown.
        optional = {
            "locked": self.locked,
            "door_open": self.door_open,
            "serial_number": self.serial_number,
        }
        properties.update({key: value for key, value in optional.items() if value is not None})
        if self.battery_level is not None:
            properties["battery_level"] = self.battery_level
            properties["battery"] = {
                "level": self.battery_level,
                "status": self.battery_status or battery_status_for(self.battery_level),
            }
        properties.update(self.properties)

        device: JsonObject = {
            "device_id": self.device_id,
            "device_type": self.device_type,
            "display_name": self.display_name,
            "workspace_id": self.workspace_id,
            "connected_account_id": self.connected_account_id,
            "created_at": self.created_at,
            "is_managed": True,
            "location": None,
            "space_ids": [],
            "custom_metadata": {},
            # Like Seam's fake, every device claims both: clients must use the can_* flags.
            "capabilities_supported": ["lock", "access_code"],
            "properties": properties,
            "errors": [dict(error) for error in self.errors],
            "warnings": [dict(warning) for warning in self.warnings],
        }
        if self.nickname is not None:
            device["nickname"] = self.nickname
        flags = {
            name: self.flag(name)
            for name in (
                "can_remotely_lock",
                "can_remotely_unlock",
                "can_program_online_access_codes",
            )
        }
        device.update({key: value for key, value in flags.items() if value is not None})
        return device
