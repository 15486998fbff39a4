"""`SeamSimulator`: the HTTP server, its faults and request log, and the test-facing helpers."""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
import contextlib
import itertools
import json
import secrets
import time
from types import TracebackType
from typing import Any, Self
import uuid

from aiohttp import web

from .access_codes import AccessCodes
from .actions import ActionAttempts
from .errors import SeamApiError, default_error_type, default_message
from .models import Fault, JsonObject, Outcome, RecordedRequest, SimDevice
from .routes import LIST_PARAMS, SeamRoutes
from .webhooks import Webhooks

HOST = "127.0.0.1"
# A stopped server must not wait long for handlers; stop() already ends their sleeps.
SHUTDOWN_TIMEOUT = 1.0


def _normalize_path(path: str) -> str:
    return "/" + path.strip("/")


def _query_params(request: web.Request) -> JsonObject:
    """GET parameters as the JSON body would carry them (arrays, numbers)."""
    params: JsonObject = {}
    for raw_key in dict.fromkeys(request.query.keys()):
        values = request.query.getall(raw_key)
        key = raw_key.removesuffix("[]")
        if key in LIST_PARAMS or raw_key.endswith("[]") or len(values) > 1:
            params[key] = [item for value in values for item in value.split(",") if item]
        elif key == "limit" and values[0].isdigit():
            params[key] = int(values[0])
        else:
            params[key] = values[0]
    return params


def _json_response(status: int, body: JsonObject) -> web.Response:
    return web.json_response(body, status=status)


class SeamSimulator:
    """A stateful Seam Connect API on 127.0.0.1, for tests and benchmarks.

    State is plain Python: add or change devices and outcomes at any time; the next request
    sees it. Usable as `async with SeamSimulator() as sim:`.
    """

    DEFAULT_API_KEY = "seam_testsim_0123456789abcdef"

    def __init__(
        self,
        *,
        api_key: str = DEFAULT_API_KEY,
        workspace_id: str = "workspace_sim_1",
        workspace_name: str = "Simulated Home",
    ) -> None:
        """Create an empty workspace; call `start()` to serve it."""
        self.api_key = api_key
        self.workspace_id = workspace_id
        self.workspace_name = workspace_name
        self.devices: dict[str, SimDevice] = {}
        self.requests: list[RecordedRequest] = []
        self.latency = 0.0
        """Seconds added to every response."""
        self._attempts = ActionAttempts(self.devices)
        self._attempts.on_resolved = self._emit_attempt_events
        self.webhooks = Webhooks(workspace_id)
        """Webhooks registered through the API; `emit()` delivers events to them, signed."""
        self.action_attempts: dict[str, JsonObject] = self._attempts.by_id
        self.attempt_devices: dict[str, str] = self._attempts.device_of
        """The device of each lock/unlock attempt, in the order they were created."""
        self.access_codes = AccessCodes(self.devices, self._attempts.by_id)
        """Access codes; set `outcome` and `delay` for their action attempts."""
        self._routes = SeamRoutes(self, self._attempts).table()
        self._faults: defaultdict[str, deque[Fault]] = defaultdict(deque)
        self._request_numbers = itertools.count(1)
        self._serial_numbers = itertools.count(1)
        self._bulk_locks = 0
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._stopping = asyncio.Event()

    # Lifecycle

    @property
    def url(self) -> str:
        """Base URL, `http://127.0.0.1:<port>`; valid once started (and kept after stop)."""
        if self._port is None:
            raise RuntimeError("SeamSimulator has not been started")
        return f"http://{HOST}:{self._port}"

    async def start(self) -> None:
        """Listen on a free port (on restart: the previous port, so clients can reconnect)."""
        if self._runner is not None:
            raise RuntimeError("SeamSimulator is already running")
        self._stopping = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
        await runner.setup()
        try:
            await web.TCPSite(runner, HOST, self._port or 0).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = runner.addresses[0][1]
        self.webhooks.open()

    async def stop(self) -> None:
        """Stop serving and cancel every timer; pending action attempts stay pending."""
        self._attempts.cancel_timers()
        self.access_codes.cancel_timers()
        await self.webhooks.close()
        if self._runner is None:
            return
        runner, self._runner = self._runner, None
        # Slow responses (latency, fault delays) end now instead of holding up shutdown.
        self._stopping.set()
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        """Start; `async with` stops on exit."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop."""
        await self.stop()

    # Events

    def emit(self, event_type: str, **fields: Any) -> JsonObject:
        """Deliver a Seam event (signed) to every registered webhook; return the event."""
        return self.webhooks.emit(event_type, **fields)

    def _emit_attempt_events(self, attempt: JsonObject, device_id: str, lock: bool) -> None:
        """What Seam sends when a lock or unlock ends: the lock event, then the attempt's."""
        action = "lock_door" if lock else "unlock_door"
        device = self.devices.get(device_id)
        account = {"connected_account_id": device.connected_account_id} if device else {}
        result = attempt.get("result") or {}
        if attempt["status"] == "success" and result.get("was_confirmed_by_device") is not False:
            self.emit(
                "lock.locked" if lock else "lock.unlocked",
                device_id=device_id,
                method="seamapi",
                action_attempt_id=attempt["action_attempt_id"],
                **account,
            )
        outcome = "succeeded" if attempt["status"] == "success" else "failed"
        self.emit(
            f"action_attempt.{action}.{outcome}",
            action_attempt_id=attempt["action_attempt_id"],
            action_type=attempt["action_type"],
            status=attempt["status"],
        )

    # Devices

    def add_lock(
        self, name: str = "Front Door", *, device_id: str | None = None, **fields: Any
    ) -> SimDevice:
        """Add an online, unlocked August lock that can do everything; `fields` override."""
        defaults: JsonObject = {
            "device_type": "august_lock",
            "manufacturer": "august",
            "model": "August Wi-Fi Smart Lock",
            "serial_number": f"SIM-{next(self._serial_numbers):06d}",
            "online": True,
            "locked": False,
            "door_open": False,
            "battery_level": 0.86,
            "can_remotely_lock": True,
            "can_remotely_unlock": True,
            "can_program_online_access_codes": True,
        }
        return self._add(name, device_id, defaults | fields)

    def add_device(
        self,
        name: str,
        *,
        device_type: str = "ecobee_thermostat",
        device_id: str | None = None,
        **fields: Any,
    ) -> SimDevice:
        """Add a device that is not a lock (no can_remotely_* flags); `fields` override."""
        manufacturer = device_type.split("_", 1)[0]
        defaults: JsonObject = {
            "device_type": device_type,
            "manufacturer": manufacturer,
            "model": device_type.replace("_", " ").title(),
            "serial_number": f"SIM-{next(self._serial_numbers):06d}",
        }
        return self._add(name, device_id, defaults | fields)

    def add_published(self, payload: JsonObject) -> SimDevice:
        """Serve a device object exactly as Seam published it (its own id, names and flags)."""
        properties = payload.get("properties") or {}
        device = SimDevice(
            device_id=payload["device_id"],
            device_type=payload.get("device_type", "unknown"),
            display_name=payload.get("display_name", ""),
            manufacturer=str(properties.get("manufacturer", "")),
            model="",
            workspace_id=self.workspace_id,
            published=payload,
        )
        self.devices[device.device_id] = device
        return device

    def add_locks(self, count: int) -> list[SimDevice]:
        """Add `count` default locks named "Lock 1", "Lock 2", ... (numbering continues)."""
        first = self._bulk_locks + 1
        self._bulk_locks += count
        return [self.add_lock(f"Lock {number}") for number in range(first, first + count)]

    def remove_device(self, device_id: str) -> None:
        """Remove a device from the workspace (later reads answer 404 device_not_found)."""
        if self.devices.pop(device_id, None) is None:
            raise KeyError(f"Unknown device {device_id!r}")

    def _add(self, name: str, device_id: str | None, fields: JsonObject) -> SimDevice:
        device_id = device_id or str(uuid.uuid4())
        if device_id in self.devices:
            raise ValueError(f"Device {device_id!r} already exists")
        device = SimDevice(
            **{
                "device_id": device_id,
                "display_name": name,
                "workspace_id": self.workspace_id,
                **fields,
            }
        )
        self.devices[device_id] = device
        return device

    # Faults, request log, action attempts

    def inject(self, path: str, *faults: Fault) -> None:
        """Queue faults for a route path like "/devices/list"; each is used by one request."""
        self._faults[_normalize_path(path)].extend(faults)

    def request_count(self, path: str | None = None) -> int:
        """Requests received so far, for one path or all."""
        if path is None:
            return len(self.requests)
        path = _normalize_path(path)
        return sum(1 for request in self.requests if request.path == path)

    def reset_requests(self) -> None:
        """Forget the recorded requests."""
        self.requests.clear()

    def complete_action_attempt(self, action_attempt_id: str, outcome: Outcome) -> None:
        """Resolve a pending action attempt now, whatever its device's delay and outcome."""
        self._attempts.complete(action_attempt_id, outcome)

    # HTTP

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one request: latency, then an injected fault, then auth, then the route."""
        path = _normalize_path(request.path)
        params, parse_error = await self._read_params(request)
        record = RecordedRequest(path, params, 0, time.monotonic(), request.method)
        self.requests.append(record)
        request_id = f"req_{next(self._request_numbers)}_{secrets.token_hex(6)}"

        # Taken on arrival, so concurrent requests consume faults in the order they came in.
        fault = self._faults[path].popleft() if self._faults.get(path) else None
        await self._sleep(self.latency)
        response: web.Response | None = None
        if fault is not None:
            await self._sleep(fault.delay)
            if fault.drop:
                if request.transport is not None:
                    request.transport.close()
                return web.Response()  # never reaches the client
            if fault.status is not None or fault.body is not None:
                response = self._fault_response(fault)
        if response is None:
            response = self._answer(request, path, params, parse_error)
            if fault is not None:
                await self._sleep(fault.delay_after)
        if fault is not None and fault.retry_after is not None:
            response.headers["Retry-After"] = f"{fault.retry_after:g}"
        response.headers["seam-request-id"] = request_id
        record.status = response.status
        return response

    def _answer(
        self, request: web.Request, path: str, params: JsonObject, parse_error: str | None
    ) -> web.Response:
        route = self._routes.get(path)
        if route is None:
            return _json_response(404, SeamApiError(404, "not_found", "Route not found").body())
        if request.method != "POST" and not (request.method == "GET" and route.read_only):
            error = SeamApiError(405, "method_not_allowed", f"{request.method} not allowed")
            return _json_response(405, error.body())
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _json_response(401, SeamApiError(401, "unauthorized").body())
        if parse_error is not None:
            return _json_response(400, SeamApiError(400, "invalid_input", parse_error).body())
        try:
            body = route.handler(params)
        except SeamApiError as error:
            return _json_response(error.status, error.body())
        return _json_response(200, {**body, "ok": True})

    @staticmethod
    async def _read_params(request: web.Request) -> tuple[JsonObject, str | None]:
        """The request's parameters, or {} and why the body could not be read."""
        if request.method == "GET":
            return _query_params(request), None
        raw = await request.read()
        if not raw.strip():
            return {}, None
        try:
            body = json.loads(raw)
        except ValueError:
            return {}, "Request body is not valid JSON"
        if not isinstance(body, dict):
            return {}, "Request body must be a JSON object"
        return body, None

    @staticmethod
    def _fault_response(fault: Fault) -> web.Response:
        if fault.body is not None:
            status = fault.status if fault.status is not None else 200
            content_type = "application/json" if fault.body else "text/plain"
            return web.Response(status=status, body=fault.body, content_type=content_type)
        status = fault.status if fault.status is not None else 500
        error_type = fault.error_type or default_error_type(status)
        message = fault.message or default_message(error_type)
        return _json_response(status, SeamApiError(status, error_type, message).body())

    async def _sleep(self, seconds: float) -> None:
        """Wait, unless the simulator stops first."""
        if seconds <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
