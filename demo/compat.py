"""`python -m demo.compat` (what `scripts/compat` runs): the demo stack on another release.

Run with the Python of a `scripts/compat` environment (`.venv-ha-<version>/`), so that the
Home Assistant started is that release. It starts Seam's fake server and that Home Assistant
(onboarded as demo / demo), adds Seam through the config flow, and then drives it the way a
user's dashboard does, over Home Assistant's own websocket API:

1. the config entry loads;
2. the three seeded locks appear, each on its device with its sensors;
3. a lock and then an unlock are confirmed (the state passes through locking/unlocking);
4. an unlock that Seam fails raises Seam's translated error naming the lock and the reason, the
   lock stays locked, and a notification says the same;
5. once Home Assistant has stopped, its log holds no error that names the Seam integration and
   no deprecation warning about it (Python's DeprecationWarnings included).

Each check prints one line; the first that fails stops the run with exit code 1 and says what
broke. The config folder and the logs stay in test-results/compat/<version>/.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterator
import contextlib
from dataclasses import dataclass
import os
import re
import shutil
import sys
import time
from typing import Any

import aiohttp

from .stack import REPO_ROOT, HomeAssistant, SeamServer, StackError, free_port

ARTIFACTS = REPO_ROOT / "test-results" / "compat"
LOCK_DELAY = "0.5-1"  # seconds the fake locks take; enough to see locking/unlocking
FAILURE_MESSAGE = "The bolt is jammed"
SEEDED_LOCKS = 3
CALL_TIMEOUT = 60.0

# A record of Home Assistant's log: "2026-11-05 10:00:00.123+00:00 WARNING (MainThread) [name] ..."
_RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:?\d\d|Z)? "
    r"(?P<level>[A-Z]+) \((?P<thread>[^)]*)\) \[(?P<logger>[^\]]+)\] ",
)
# How Home Assistant names this integration in a record (its logger, a traceback's file path,
# the frame helper's "custom integration 'seam'", the deprecation helper's "'seam' custom
# integration").
_NAMES_SEAM = re.compile(
    r"custom_components[./]seam\b|integration '?seam\b'?|'seam' custom integration", re.IGNORECASE
)
# A deprecation, or Home Assistant's frame helper reporting a wrong use ("Detected that ...").
_DEPRECATION = re.compile(
    r"deprecat|will stop working|no longer supported|Detected that", re.IGNORECASE
)


class SmokeFailure(Exception):
    """A check failed; the message says what broke."""


@dataclass(frozen=True)
class LogRecord:
    """One record of the log file, with its continuation lines (a traceback)."""

    level: str
    logger: str
    text: str


def log_records(text: str) -> Iterator[LogRecord]:
    """The records of a Home Assistant log file, continuation lines joined to their record."""
    current: list[str] = []
    level = logger = ""
    for line in text.splitlines():
        match = _RECORD.match(line)
        if match is None:
            if current:
                current.append(line)
            continue
        if current:
            yield LogRecord(level, logger, "\n".join(current))
        level, logger, current = match["level"], match["logger"], [line]
    if current:
        yield LogRecord(level, logger, "\n".join(current))


def offending_records(text: str) -> list[LogRecord]:
    """Errors that name the Seam integration, and deprecation warnings about it."""
    found = []
    for record in log_records(text):
        ours = record.logger.startswith("custom_components.seam") or bool(
            _NAMES_SEAM.search(record.text)
        )
        if not ours:
            continue
        if record.level in ("ERROR", "CRITICAL") or (
            record.level == "WARNING" and _DEPRECATION.search(record.text)
        ):
            found.append(record)
    return found


def _say(message: str) -> None:
    print(message, flush=True)


class Dashboard:
    """Home Assistant's websocket API, used as the frontend uses it."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Wrap an authenticated websocket."""
        self._ws = ws
        self._next_id = 1
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._events: dict[int, asyncio.Queue[dict[str, Any]]] = {}
        self._reader = asyncio.create_task(self._read())

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(cls, url: str, token: str) -> Any:
        """Log in on the websocket with the access token; yield the dashboard."""
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"{url}/api/websocket", max_msg_size=0) as ws,
        ):
            hello = await ws.receive_json()
            if hello.get("type") != "auth_required":
                raise SmokeFailure(f"the websocket did not ask for auth: {hello}")
            await ws.send_json({"type": "auth", "access_token": token})
            answer = await ws.receive_json()
            if answer.get("type") != "auth_ok":
                raise SmokeFailure(f"the websocket refused the token: {answer}")
            dashboard = cls(ws)
            try:
                yield dashboard
            finally:
                dashboard._reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await dashboard._reader

    async def _read(self) -> None:
        async for message in self._ws:
            if message.type is not aiohttp.WSMsgType.TEXT:
                continue
            data = message.json()
            for item in data if isinstance(data, list) else [data]:
                if item.get("type") == "event" and item["id"] in self._events:
                    self._events[item["id"]].put_nowait(item["event"])
                elif item.get("type") == "result" and item["id"] in self._pending:
                    self._pending.pop(item["id"]).set_result(item)
        for future in self._pending.values():
            future.set_exception(SmokeFailure("Home Assistant closed the websocket"))

    async def send(self, command: dict[str, Any]) -> dict[str, Any]:
        """Send a command; return its whole result message (success or error)."""
        msg_id = self._next_id
        self._next_id += 1
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[msg_id] = future
        await self._ws.send_json({"id": msg_id, **command})
        return await asyncio.wait_for(future, CALL_TIMEOUT)

    async def call(self, command: dict[str, Any]) -> Any:
        """Send a command that must succeed; return its result."""
        answer = await self.send(command)
        if not answer.get("success"):
            raise SmokeFailure(f"{command['type']} failed: {answer.get('error')}")
        return answer.get("result")

    async def subscribe(self, command: dict[str, Any]) -> asyncio.Queue[dict[str, Any]]:
        """Subscribe; return the queue its events arrive on."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._events[self._next_id] = queue
        await self.call(command)
        return queue


async def _state_changes(queue: asyncio.Queue[dict[str, Any]]) -> list[str]:
    """The states the events in `queue` brought so far."""
    states = []
    while not queue.empty():
        event = queue.get_nowait()
        for change in event.get("c", {}).values():
            if "+" in change and "s" in change["+"]:
                states.append(change["+"]["s"])
    return states


async def _command(
    dash: Dashboard, entity_id: str, action: str, moving: str, done: str
) -> list[str]:
    """Call lock.<action> as the dashboard does; return the states the lock went through."""
    queue = await dash.subscribe({"type": "subscribe_entities", "entity_ids": [entity_id]})
    answer = await dash.send(
        {
            "type": "call_service",
            "domain": "lock",
            "service": action,
            "target": {"entity_id": entity_id},
        }
    )
    if not answer.get("success"):
        raise SmokeFailure(f"lock.{action} of {entity_id} failed: {answer.get('error')}")
    seen = await _state_changes(queue)
    states = {s["entity_id"]: s["state"] for s in await dash.call({"type": "get_states"})}
    if states.get(entity_id) != done:
        raise SmokeFailure(
            f"after lock.{action} {entity_id} shows {states.get(entity_id)!r}, not {done!r}"
        )
    if moving not in seen:
        raise SmokeFailure(f"lock.{action} of {entity_id} never showed {moving!r}: {seen}")
    return seen


async def drive(ha: HomeAssistant, seam: SeamServer, entry_id: str) -> None:
    """Checks 2 to 4, through the websocket API."""
    assert ha.token is not None
    async with Dashboard.connect(ha.url, ha.token) as dash:
        entities = await dash.call({"type": "config/entity_registry/list"})
        ours = [e for e in entities if e.get("config_entry_id") == entry_id]
        locks = sorted(e["entity_id"] for e in ours if e["entity_id"].startswith("lock."))
        if len(locks) != SEEDED_LOCKS:
            raise SmokeFailure(f"{len(locks)} locks appeared, not {SEEDED_LOCKS}: {locks}")
        states = {s["entity_id"]: s for s in await dash.call({"type": "get_states"})}
        by_device: dict[str, list[str]] = {}
        for entity in ours:
            by_device.setdefault(entity["device_id"], []).append(entity["entity_id"])
        for lock in locks:
            device = next(e["device_id"] for e in ours if e["entity_id"] == lock)
            sensors = sorted(
                e
                for e in by_device[device]
                if e.split(".")[0] in ("sensor", "binary_sensor") and e in states
            )
            if not sensors:
                raise SmokeFailure(f"{lock} has no sensors on its device: {by_device[device]}")
            unavailable = [e for e in [lock, *sensors] if states[e]["state"] == "unavailable"]
            if unavailable:
                raise SmokeFailure(f"unavailable after setup: {unavailable}")
            _say(f"ok  {lock} ({states[lock]['state']}) with {', '.join(sensors)}")

        unlocked = next((e for e in locks if states[e]["state"] == "unlocked"), None)
        locked = next((e for e in locks if states[e]["state"] == "locked"), None)
        if unlocked is None or locked is None:
            raise SmokeFailure(f"the seed has no unlocked and locked lock: {states}")
        seen = await _command(dash, unlocked, "lock", "locking", "locked")
        _say(f"ok  lock.lock {unlocked} confirmed: {' > '.join(['unlocked', *seen])}")
        seen = await _command(dash, unlocked, "unlock", "unlocking", "unlocked")
        _say(f"ok  lock.unlock {unlocked} confirmed: {' > '.join(['locked', *seen])}")

        name = states[locked]["attributes"].get("friendly_name", locked)
        seam.fail_next("unlock", message=FAILURE_MESSAGE)
        answer = await dash.send(
            {
                "type": "call_service",
                "domain": "lock",
                "service": "unlock",
                "target": {"entity_id": locked},
            }
        )
        error = answer.get("error") or {}
        if answer.get("success"):
            raise SmokeFailure(f"the unlock Seam failed succeeded for {locked}")
        if error.get("translation_domain") != "seam" or FAILURE_MESSAGE not in error.get(
            "message", ""
        ):
            raise SmokeFailure(f"the failed unlock of {locked} gave {error}")
        state = next(
            s["state"] for s in await dash.call({"type": "get_states"}) if s["entity_id"] == locked
        )
        if state != "locked":
            raise SmokeFailure(f"after the failed unlock {locked} shows {state!r}, not 'locked'")
        _say(f"ok  failed unlock of {locked}: {error['translation_key']}: {error['message']!r}")
        notifications = await dash.call({"type": "persistent_notification/get"})
        told = [
            n
            for n in notifications
            if FAILURE_MESSAGE in n.get("message", "")
            and name in f"{n.get('title', '')} {n.get('message', '')}"
        ]
        if not told:
            raise SmokeFailure(
                f"no notification names {name!r} and {FAILURE_MESSAGE!r}: {notifications}"
            )
        _say(f"ok  notification {told[0].get('title')!r}")


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m demo.compat", description=__doc__)
    parser.add_argument("--keep", action="store_true", help="keep the stack running until Ctrl-C")
    return parser.parse_args(argv)


def run(keep: bool = False) -> int:
    """Start the stack, run the checks, stop it, read its log; return the exit code."""
    from homeassistant.const import __version__ as ha_version  # noqa: PLC0415

    started = time.monotonic()
    folder = ARTIFACTS / ha_version
    shutil.rmtree(folder, ignore_errors=True)
    config_dir = folder / "config"
    # Python's own DeprecationWarnings reach Home Assistant's log (it captures warnings).
    os.environ["PYTHONWARNINGS"] = "default::DeprecationWarning"
    seam = ha = None
    _say(f"compat: Home Assistant {ha_version} (Python {sys.version.split()[0]}), in {folder}")
    try:
        seam = SeamServer.start(folder / "seam-server.log", delay=LOCK_DELAY)
        ha = HomeAssistant.start(config_dir, port=free_port())
        _say(f"ok  Home Assistant answered in {time.monotonic() - started:.1f} s")
        ha.onboard()
        entry = ha.add_seam(seam.api_key, seam.url)
        _say(f"ok  config entry {entry['title']!r} loaded")
        asyncio.run(drive(ha, seam, entry["entry_id"]))
        if keep:
            _say(f"Running at {ha.url} (demo / demo); Ctrl-C stops.")
            with contextlib.suppress(KeyboardInterrupt):
                while ha.process.running:
                    time.sleep(0.5)
    except (SmokeFailure, StackError) as err:
        _say(f"compat: FAILED on Home Assistant {ha_version}: {err}")
        _say(f"  logs: {folder}")
        return 1
    finally:
        if ha is not None:
            ha.stop()
        if seam is not None:
            seam.stop()
    log = config_dir / "home-assistant.log"
    records = offending_records(log.read_text(errors="replace"))
    if records:
        _say(f"compat: FAILED on Home Assistant {ha_version}: {len(records)} record(s) in {log}:")
        for record in records:
            _say(record.text)
        return 1
    _say("ok  the log has no error naming Seam and no deprecation warning about it")
    _say(f"compat: Home Assistant {ha_version} passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(run(_parse_args(sys.argv[1:]).keep))
