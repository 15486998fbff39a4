"""`python -m demo.compat` (what `scripts/compat` runs): the demo stack on another release.

Run with the Python of a `scripts/compat` environment (`.venv-ha-<version>/`), so that the
Home Assistant started is that release. It starts Seam's fake server and that Home Assistant
(onboarded as demo / demo), adds Seam through the config flow, and then drives it the way a
user's dashboard does, over Home Assistant's own websocket API:

1. the config entry loads;
2. the three seeded locks appear, each on its device with its battery and connectivity sensors;
3. a lock and then an unlock are confirmed: the call returns, the state passes through
   locking/unlocking to locked/unlocked, and Seam's fake holds the lock in that state;
4. an unlock that Seam fails raises Seam's translated error naming the lock and the reason, the
   lock stays locked (in Home Assistant and in Seam), and a notification says the same;
5. once Home Assistant has stopped, its log holds no error that names the Seam integration and
   no deprecation warning or misuse report about it (Python's DeprecationWarnings included).

Each check prints one line; the first that fails stops the run with exit code 1 and says what
broke. The config folder and the logs stay in test-results/compat/<version>/.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterator
import contextlib
from dataclasses import dataclass
import json
import os
from pathlib import Path
import re
import shutil
import sys
import time
from typing import Any

import aiohttp

from .stack import REPO_ROOT, HomeAssistant, SeamServer, StackError, free_port, http_json

ARTIFACTS = REPO_ROOT / "test-results" / "compat"
LOCK_DELAY = "0.5-1"  # seconds the fake locks take; enough to see locking/unlocking
FAILURE_MESSAGE = "The bolt is jammed"
SEEDED_LOCKS = 3
CALL_TIMEOUT = 60.0

# A record of Home Assistant's log: "2026-11-05 10:00:00.123+00:00 WARNING (MainThread) [name] ..."
# (a thread's name may hold parentheses: "Thread-3 (_worker)").
_RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:?\d\d|Z)? "
    r"(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) \((?P<thread>.*?)\) \[(?P<logger>[^\]]+)\] ",
)
_MANIFEST = json.loads((REPO_ROOT / "custom_components" / "seam" / "manifest.json").read_text())
# How Home Assistant names this integration in a record: a traceback's file path, the frame
# helper's "custom integration 'seam'", the deprecation helper's "used from seam" and "'seam'
# custom integration", an entity platform's "Platform seam", and the integration's own links
# (a report ends with "create a bug report at <issue_tracker>").
_NAMES_SEAM = re.compile(
    "|".join(
        [
            r"custom_components[./]seam\b",
            r"integration '?seam\b",
            r"'seam' custom integration",
            r"\bfrom seam\b",
            r"\bplatform seam\b",
            *(re.escape(_MANIFEST[key]) for key in ("issue_tracker", "documentation")),
        ]
    ),
    re.IGNORECASE,
)
# A deprecation, or Home Assistant reporting a wrong use ("Detected that ...", "Detected
# blocking call ...").
_DEPRECATION = re.compile(
    r"deprecat|will stop working|no longer supported|Detected that|Detected blocking call",
    re.IGNORECASE,
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


def _seam_locked(seam: SeamServer) -> dict[str, bool]:
    """What Seam's fake says of each lock, by Seam's device id: whether it is locked."""
    status, answer = http_json("POST", f"{seam.url}/devices/list", json_body={}, token=seam.api_key)
    if status != 200 or not isinstance(answer, dict):
        raise SmokeFailure(f"Seam's fake answered /devices/list with {status}: {answer}")
    return {
        device["device_id"]: device["properties"]["locked"]
        for device in answer["devices"]
        if "locked" in device.get("properties", {})
    }


async def _state(dash: Dashboard, entity_id: str) -> dict[str, Any]:
    """The entity's state object (what the dashboard shows)."""
    for state in await dash.call({"type": "get_states"}):
        if state["entity_id"] == entity_id:
            return dict(state)
    raise SmokeFailure(f"{entity_id} has no state")


async def _command(
    dash: Dashboard,
    seam: SeamServer,
    seam_ids: dict[str, str],
    entity_id: str,
    action: str,
    moving: str,
    done: str,
) -> list[str]:
    """Call lock.<action> as the dashboard does; return the states the lock went through.

    Confirmed means: the call returned, the lock showed `moving` and then `done`, and Seam
    itself holds the lock in that state.
    """
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
    state = await _state(dash, entity_id)
    if state["state"] != done:
        raise SmokeFailure(
            f"after lock.{action} {entity_id} shows {state['state']!r}, not {done!r}"
        )
    if moving not in seen:
        raise SmokeFailure(f"lock.{action} of {entity_id} never showed {moving!r}: {seen}")
    in_seam = _seam_locked(seam).get(seam_ids[entity_id])
    if in_seam is not (done == "locked"):
        raise SmokeFailure(f"{entity_id} shows {done!r} but Seam has it locked={in_seam}")
    return seen


def _device_class(state: dict[str, Any]) -> str | None:
    device_class: str | None = state["attributes"].get("device_class")
    return device_class


@dataclass
class Seeded:
    """The integration's locks as Home Assistant shows them after setup."""

    locks: list[str]
    states: dict[str, dict[str, Any]]
    seam_ids: dict[str, str]  # entity id -> Seam's device id


async def _check_locks(dash: Dashboard, entry_id: str) -> Seeded:
    """Check 2: the seeded locks, each on its device with battery and connectivity sensors."""
    entities = await dash.call({"type": "config/entity_registry/list"})
    ours = [e for e in entities if e.get("config_entry_id") == entry_id]
    locks = sorted(e["entity_id"] for e in ours if e["entity_id"].startswith("lock."))
    if len(locks) != SEEDED_LOCKS:
        raise SmokeFailure(f"{len(locks)} locks appeared, not {SEEDED_LOCKS}: {locks}")
    states = {s["entity_id"]: s for s in await dash.call({"type": "get_states"})}
    devices = await dash.call({"type": "config/device_registry/list"})
    seam_device = {
        d["id"]: ident[1] for d in devices for ident in d["identifiers"] if ident[0] == "seam"
    }
    by_device: dict[str, list[str]] = {}
    for entity in ours:
        by_device.setdefault(entity["device_id"], []).append(entity["entity_id"])
    for lock in locks:
        device = next(e["device_id"] for e in ours if e["entity_id"] == lock)
        shown = [e for e in [lock, *by_device[device]] if e in states]
        if lock not in shown:
            raise SmokeFailure(f"{lock} is registered but has no state")
        battery = [e for e in shown if _device_class(states[e]) == "battery"]
        online = [e for e in shown if _device_class(states[e]) == "connectivity"]
        if not battery or not online:
            raise SmokeFailure(
                f"{lock}'s device lacks a battery or connectivity sensor: {by_device[device]}"
            )
        sensors = [*battery, *online]
        unavailable = [e for e in [lock, *sensors] if states[e]["state"] == "unavailable"]
        if unavailable:
            raise SmokeFailure(f"unavailable after setup: {unavailable}")
        _say(f"ok  {lock} ({states[lock]['state']}) with {', '.join(sensors)}")
    seam_ids = {e["entity_id"]: seam_device.get(e["device_id"], "") for e in ours}
    return Seeded(locks, states, seam_ids)


async def _check_failed_unlock(
    dash: Dashboard, seam: SeamServer, seeded: Seeded, locked: str
) -> None:
    """Check 4: an unlock Seam fails raises its error, keeps the lock locked, and notifies."""
    name = seeded.states[locked]["attributes"].get("friendly_name", locked)
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
    message = str(error.get("message", ""))
    if answer.get("success"):
        raise SmokeFailure(f"the unlock Seam failed succeeded for {locked}")
    if error.get("translation_domain") != "seam" or not (
        FAILURE_MESSAGE in message and name in message
    ):
        raise SmokeFailure(f"the failed unlock of {locked} gave {error}")
    state = (await _state(dash, locked))["state"]
    if state != "locked" or _seam_locked(seam).get(seeded.seam_ids[locked]) is not True:
        raise SmokeFailure(f"after the failed unlock {locked} shows {state!r}, not 'locked'")
    _say(f"ok  failed unlock of {locked}: {error['translation_key']}: {message!r}")
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


async def drive(ha: HomeAssistant, seam: SeamServer, entry_id: str) -> None:
    """Checks 2 to 4, through the websocket API."""
    assert ha.token is not None
    async with Dashboard.connect(ha.url, ha.token) as dash:
        seeded = await _check_locks(dash, entry_id)
        states = seeded.states
        unlocked = next((e for e in seeded.locks if states[e]["state"] == "unlocked"), None)
        locked = next((e for e in seeded.locks if states[e]["state"] == "locked"), None)
        if unlocked is None or locked is None:
            raise SmokeFailure(f"the seed has no unlocked and locked lock: {seeded.locks}")
        ids = seeded.seam_ids
        seen = await _command(dash, seam, ids, unlocked, "lock", "locking", "locked")
        _say(f"ok  lock.lock {unlocked} confirmed: {' > '.join(['unlocked', *seen])}")
        seen = await _command(dash, seam, ids, unlocked, "unlock", "unlocking", "unlocked")
        _say(f"ok  lock.unlock {unlocked} confirmed: {' > '.join(['locked', *seen])}")
        await _check_failed_unlock(dash, seam, seeded, locked)


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m demo.compat", description=__doc__)
    parser.add_argument("--keep", action="store_true", help="keep the stack running until Ctrl-C")
    return parser.parse_args(argv)


def _drive(ha: HomeAssistant, seam: SeamServer, entry_id: str) -> None:
    """Run the websocket checks; what goes wrong on the way is a SmokeFailure saying so."""
    try:
        asyncio.run(drive(ha, seam, entry_id))
    except TimeoutError as err:
        raise SmokeFailure(f"Home Assistant gave no answer within {CALL_TIMEOUT:.0f} s") from err
    except aiohttp.ClientError as err:
        raise SmokeFailure(f"the websocket API failed: {err!r}") from err
    except (KeyError, StopIteration, TypeError) as err:
        raise SmokeFailure(f"Home Assistant answered in an unexpected shape: {err!r}") from err


def _offending_log_records(log_path: Path) -> list[LogRecord]:
    """The log's offending records (none when there is no log)."""
    try:
        return offending_records(log_path.read_text(errors="replace"))
    except OSError:
        return []


def run(keep: bool = False) -> int:
    """Start the stack, run the checks, stop it, read its log; return the exit code."""
    from homeassistant.const import __version__ as ha_version  # noqa: PLC0415

    started = time.monotonic()
    folder = ARTIFACTS / ha_version
    shutil.rmtree(folder, ignore_errors=True)
    config_dir = folder / "config"
    log = config_dir / "home-assistant.log"
    # Python's own DeprecationWarnings reach Home Assistant's log (it captures warnings).
    os.environ["PYTHONWARNINGS"] = "default::DeprecationWarning"
    seam = ha = None
    failure: str | None = None
    _say(f"compat: Home Assistant {ha_version} (Python {sys.version.split()[0]}), in {folder}")
    try:
        seam = SeamServer.start(folder / "seam-server.log", delay=LOCK_DELAY)
        ha = HomeAssistant.start(config_dir, port=free_port())
        _say(f"ok  Home Assistant answered in {time.monotonic() - started:.1f} s")
        ha.onboard()
        entry = ha.add_seam(seam.api_key, seam.url)
        _say(f"ok  config entry {entry['title']!r} loaded")
        _drive(ha, seam, entry["entry_id"])
        if keep:
            _say(f"Running at {ha.url} (demo / demo); Ctrl-C stops.")
            with contextlib.suppress(KeyboardInterrupt):
                while ha.process.running:
                    time.sleep(0.5)
    except (SmokeFailure, StackError) as err:
        failure = str(err)
    finally:
        if ha is not None:
            ha.stop()
        if seam is not None:
            seam.stop()
    records = _offending_log_records(log)
    if failure is not None:
        _say(f"compat: FAILED on Home Assistant {ha_version}: {failure}")
        for record in records:
            _say(record.text)
        if records:
            _say(f"  (the records above, from {log}, name Seam)")
        _say(f"  logs: {folder}")
        return 1
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
