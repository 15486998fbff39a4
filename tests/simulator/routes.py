"""The Seam routes the simulator answers, as plain functions of the request parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .actions import ActionAttempts
from .errors import SeamApiError, invalid_field
from .models import JsonObject, SimDevice
from .pagination import paginate

if TYPE_CHECKING:
    from .server import SeamSimulator

DEFAULT_LIMIT = 500

# Query parameters that are arrays; in a GET they may come comma-separated or repeated.
LIST_PARAMS = frozenset({"device_ids", "device_types"})


@dataclass(frozen=True)
class Route:
    """A route's handler and whether it also answers GET (read routes do)."""

    handler: Callable[[JsonObject], JsonObject]
    read_only: bool


def _required_str(params: JsonObject, name: str) -> str:
    value = params.get(name)
    if value is None:
        raise invalid_field(name, "Required")
    if not isinstance(value, str):
        raise invalid_field(name, "Expected string")
    return value


def _optional_str(params: JsonObject, name: str) -> str | None:
    value = params.get(name)
    if value is not None and not isinstance(value, str):
        raise invalid_field(name, "Expected string")
    return value


def _optional_str_list(params: JsonObject, name: str) -> list[str] | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid_field(name, "Expected array of strings")
    return value


def _limit(params: JsonObject) -> int:
    value: Any = params.get("limit", DEFAULT_LIMIT)
    # bool is an int in Python but not a number in JSON.
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise invalid_field("limit", "Expected a positive number")
    return int(value)


class SeamRoutes:
    """Handlers for the Seam routes, reading and changing the simulator's state."""

    def __init__(self, sim: SeamSimulator, attempts: ActionAttempts) -> None:
        """Serve `sim`'s workspace and devices; lock/unlock go through `attempts`."""
        self._sim = sim
        self._attempts = attempts

    def table(self) -> dict[str, Route]:
        """Every route path mapped to its handler."""
        return {
            "/workspaces/get": Route(self.workspaces_get, read_only=True),
            "/devices/list": Route(self.devices_list, read_only=True),
            "/devices/get": Route(self.devices_get, read_only=True),
            "/locks/list": Route(self.locks_list, read_only=True),
            "/locks/get": Route(self.locks_get, read_only=True),
            "/locks/lock_door": Route(self.lock_door, read_only=False),
            "/locks/unlock_door": Route(self.unlock_door, read_only=False),
            "/action_attempts/get": Route(self.action_attempts_get, read_only=True),
            **self._sim.access_codes.routes(),
            "/webhooks/create": Route(self._sim.webhooks.create, read_only=False),
            "/webhooks/list": Route(self._sim.webhooks.list, read_only=True),
            "/webhooks/get": Route(self._sim.webhooks.get, read_only=True),
            "/webhooks/delete": Route(self._sim.webhooks.delete, read_only=False),
        }

    def workspaces_get(self, params: JsonObject) -> JsonObject:
        """`/workspaces/get`: the workspace the API key belongs to."""
        return {
            "workspace": {
                "workspace_id": self._sim.workspace_id,
                "name": self._sim.workspace_name,
                "company_name": self._sim.workspace_name,
                "is_sandbox": True,
                "is_suspended": False,
                "is_publishable_key_auth_enabled": False,
                "connect_partner_name": None,
                "connect_webview_customization": {
                    "inviter_logo_url": None,
                    "logo_shape": None,
                    "primary_button_color": None,
                    "primary_button_text_color": None,
                    "success_message": None,
                },
            }
        }

    def devices_list(self, params: JsonObject) -> JsonObject:
        """`/devices/list`: filtered devices, one page at a time."""
        query, devices = self._filtered(params, locks_only=False)
        page, pagination = paginate(
            devices,
            query,
            query["limit"],
            _optional_str(params, "page_cursor"),
            f"{self._sim.url}/devices/list",
        )
        return {"devices": [device.to_json() for device in page], "pagination": pagination}

    def locks_list(self, params: JsonObject) -> JsonObject:
        """`/locks/list`: filtered locks, no pagination; the same array twice, as Seam does."""
        query, locks = self._filtered(params, locks_only=True)
        rendered = [device.to_json() for device in locks[: query["limit"]]]
        return {"locks": rendered, "devices": rendered}

    def devices_get(self, params: JsonObject) -> JsonObject:
        """`/devices/get`: one device."""
        return {"device": self._device(params, locks_only=False).to_json()}

    def locks_get(self, params: JsonObject) -> JsonObject:
        """`/locks/get`: one lock."""
        return {"device": self._device(params, locks_only=True).to_json()}

    def lock_door(self, params: JsonObject) -> JsonObject:
        """`/locks/lock_door`: start a LOCK_DOOR action attempt."""
        return self._actuate(params, lock=True)

    def unlock_door(self, params: JsonObject) -> JsonObject:
        """`/locks/unlock_door`: start an UNLOCK_DOOR action attempt."""
        return self._actuate(params, lock=False)

    def action_attempts_get(self, params: JsonObject) -> JsonObject:
        """`/action_attempts/get`: an attempt's current state."""
        attempt = self._attempts.by_id.get(_required_str(params, "action_attempt_id"))
        if attempt is None:
            raise SeamApiError(404, "action_attempt_not_found", "Action attempt not found")
        return {"action_attempt": attempt}

    def _filtered(
        self, params: JsonObject, *, locks_only: bool
    ) -> tuple[JsonObject, list[SimDevice]]:
        """Apply the list filters; return the normalised query (for cursors) and the devices."""
        device_ids = _optional_str_list(params, "device_ids")
        device_types = _optional_str_list(params, "device_types")
        device_type = _optional_str(params, "device_type")
        manufacturer = _optional_str(params, "manufacturer")
        types = set(device_types or []) | ({device_type} if device_type else set())
        ids = set(device_ids) if device_ids is not None else None
        devices = [
            device
            for device in self._sim.devices.values()
            if (device.is_lock or not locks_only)
            and (ids is None or device.device_id in ids)
            and (not types or device.device_type in types)
            and (manufacturer is None or device.manufacturer == manufacturer)
        ]
        query: JsonObject = {
            "device_ids": device_ids,
            "device_types": device_types,
            "device_type": device_type,
            "manufacturer": manufacturer,
        }
        query = {key: value for key, value in query.items() if value is not None}
        query["limit"] = _limit(params)
        return query, devices

    def _device(self, params: JsonObject, *, locks_only: bool) -> SimDevice:
        device = self._sim.devices.get(_required_str(params, "device_id"))
        if device is None or (locks_only and not device.is_lock):
            raise SeamApiError(404, "device_not_found", "Device not found")
        return device

    def _actuate(self, params: JsonObject, *, lock: bool) -> JsonObject:
        device = self._device(params, locks_only=False)
        capable = device.flag("can_remotely_lock" if lock else "can_remotely_unlock")
        if capable is not True:
            verb = "locked" if lock else "unlocked"
            raise SeamApiError(
                400, "invalid_input", f"Device {device.device_id} cannot be remotely {verb}."
            )
        return {"action_attempt": self._attempts.start(device, lock=lock)}
