"""Resilience soak: locks commanded and webhooks delivered while Seam misbehaves every way it can.

Two workspaces run side by side, one with Seam's webhooks and one polling. For a bounded time the
simulators answer random requests with 429s (with and without Retry-After), 5xx, 503s with empty
bodies, malformed JSON, slow answers and dropped connections, while forged, stale, replayed and
unsigned webhook deliveries reach Home Assistant. Then the faults stop and the soak checks what
held. It stops by itself: at its deadline, or once Seam has been asked `REQUEST_BUDGET` times.

Short by default (CI). `SEAM_SOAK_SECONDS=300` soaks longer; `SEAM_SOAK_SEED` replays other faults.
"""

from __future__ import annotations

import asyncio
import base64
from collections import Counter, defaultdict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
import json
import logging
import os
import random
import secrets
import time
from typing import Any

import aiohttp
from aiohttp import ClientResponse
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.seam import failures
from custom_components.seam.api import ACTION_ATTEMPT_TIMEOUT, sign_webhook
from custom_components.seam.const import CONF_API_URL, CONF_WEBHOOK_SECRET, DOMAIN
from homeassistant.components import persistent_notification
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.const import ATTR_ENTITY_ID, CONF_API_KEY, CONF_WEBHOOK_ID, STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component
from tests.simulator import Fault, Outcome, SeamSimulator, SimDevice

SOAK_SECONDS = float(os.environ.get("SEAM_SOAK_SECONDS", "10"))
SEED = int(os.environ.get("SEAM_SOAK_SEED", "20261004"))
# Every loop ends at the deadline or once the simulators have answered this many requests.
REQUEST_BUDGET = int(100 * SOAK_SECONDS) + 500
# A command with no outcome after this long is a hang (Seam's own wait ends at 45 s).
COMMAND_LIMIT = ACTION_ATTEMPT_TIMEOUT + 30
# Seconds from one command of a lock to its next: 13 a minute at most, under Seam's 15 per action.
COMMAND_SPACING = 4.5
SEAM_LIMIT_PER_MINUTE = 15
LOCKS_PER_WORKSPACE = 3

type Post = Callable[..., Coroutine[Any, Any, ClientResponse]]

# What the simulators answer instead, picked at random; each is used by one request.
FAULTS: dict[str, Callable[[random.Random], Fault]] = {
    "429 with Retry-After": lambda rng: Fault(status=429, retry_after=rng.choice([1, 2, 5, 30])),
    "429 without Retry-After": lambda rng: Fault(status=429),
    "500": lambda rng: Fault(status=500),
    "502": lambda rng: Fault(status=502, error_type="bad_gateway"),
    "503 with an empty body": lambda rng: Fault(status=503, body=b""),
    "malformed JSON": lambda rng: Fault(status=200, body=b'{"ok": true, "devices": [tru'),
    "slow answer": lambda rng: Fault(delay=rng.uniform(0.5, 3.0)),
    "dropped connection": lambda rng: Fault(drop=True, delay=rng.uniform(0.0, 0.5)),
}
if SOAK_SECONDS >= 60:
    # Seam acts on the request but answers after the client's 15 s timeout: slow to run, so
    # only in the long soak.
    FAULTS["answer after the client's timeout"] = lambda rng: Fault(delay_after=16.0)
# Where faults go, weighted by how often the integration calls each route.
ROUTES = {
    "/devices/list": 3,
    "/action_attempts/get": 3,
    "/locks/lock_door": 1,
    "/locks/unlock_door": 1,
}
REFUSED_DELIVERIES = (
    "forged",
    "stale",
    "from the future",
    "unsigned",
    "tampered",
    "forged outcome",
)


@dataclass
class Workspace:
    """One simulated Seam workspace and its config entry."""

    simulator: SeamSimulator
    entry: MockConfigEntry
    locks: list[SimDevice]
    """The locks the soak commands (the jammed one included)."""
    jammed: SimDevice
    """A lock whose every command fails at the lock: no forged success may hide that."""
    # Request count of each route when a fault was last queued there: one fault waits at most.
    injected_at: dict[str, int] = field(default_factory=dict)


@dataclass
class Command:
    """One lock command of the soak and how it ended."""

    device_id: str
    action: str
    started: float
    outcome: str = ""  # "confirmed", "error", "no outcome"
    error_key: str | None = None
    shown: bool = False
    """A confirmed command showed the requested state; a failed one notified the user."""


class Soak:
    """The soak's shared state: its deadline, randomness and what it saw."""

    def __init__(self, hass: HomeAssistant, workspaces: list[Workspace]) -> None:
        self.hass = hass
        self.workspaces = workspaces
        self.rng = random.Random(SEED)
        self.deadline = time.monotonic() + SOAK_SECONDS
        self.injected: Counter[str] = Counter()
        self.injected_routes: Counter[str] = Counter()
        self.deliveries: Counter[str] = Counter()
        self.delivery_statuses: defaultdict[str, Counter[int]] = defaultdict(Counter)
        self.commands: list[Command] = []
        self.states: defaultdict[str, list[str]] = defaultdict(list)
        self.notified: dict[str, float] = {}
        self.notes: list[str] = []

    @property
    def requests(self) -> int:
        return sum(len(workspace.simulator.requests) for workspace in self.workspaces)

    def running(self) -> bool:
        return time.monotonic() < self.deadline and self.requests < REQUEST_BUDGET

    @callback
    def state_changed(self, event: Event[EventStateChangedData]) -> None:
        if (new := event.data["new_state"]) is not None:
            self.states[event.data["entity_id"]].append(new.state)

    @callback
    def notification_changed(
        self, update: persistent_notification.UpdateType, changed: dict[str, Any]
    ) -> None:
        if update in (
            persistent_notification.UpdateType.ADDED,
            persistent_notification.UpdateType.UPDATED,
        ):
            for notification_id, notification in changed.items():
                self.notified[notification_id] = time.monotonic()
                self.notes.append(f"{notification.get('title')} {notification.get('message')}")


def entity_id_of(hass: HomeAssistant, device: SimDevice) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(LOCK_DOMAIN, DOMAIN, device.device_id)
    assert entity_id is not None
    return entity_id


async def drive(soak: Soak, workspace: Workspace, device: SimDevice) -> None:
    """Toggle one lock, a command every few seconds, until the soak ends."""
    hass = soak.hass
    entity_id = entity_id_of(hass, device)
    while soak.running():
        started = time.monotonic()
        state = hass.states.get(entity_id)
        if state is None or state.state == STATE_UNAVAILABLE:
            # Home Assistant skips unavailable entities: there is no command to make.
            await asyncio.sleep(1)
            continue
        action = "unlock" if state.state == LockState.LOCKED else "lock"
        wanted = LockState.UNLOCKED if action == "unlock" else LockState.LOCKED
        seen = len(soak.states[entity_id])
        command = Command(device.device_id, action, started)
        soak.commands.append(command)
        try:
            async with asyncio.timeout(COMMAND_LIMIT):
                await hass.services.async_call(
                    LOCK_DOMAIN, action, {ATTR_ENTITY_ID: entity_id}, blocking=True
                )
        except TimeoutError:
            command.outcome = "no outcome"
        except HomeAssistantError as err:
            command.outcome = "error"
            command.error_key = err.translation_key
            notified = soak.notified.get(failures.notification_id(device.device_id), 0)
            command.shown = err.translation_domain == DOMAIN and notified >= started
        else:
            command.outcome = "confirmed"
            # A refresh failing at that moment shows the lock unavailable instead.
            command.shown = wanted in soak.states[entity_id][seen:] or (
                not workspace.entry.runtime_data.coordinator.last_update_success
            )
        pause = COMMAND_SPACING - (time.monotonic() - started) + soak.rng.uniform(0, 1)
        await asyncio.sleep(max(0.0, min(pause, soak.deadline - time.monotonic())))


async def inject_faults(soak: Soak) -> None:
    """Queue a random fault on a random route every few tenths of a second."""
    routes, weights = list(ROUTES), list(ROUTES.values())
    while soak.running():
        workspace = soak.rng.choice(soak.workspaces)
        [route] = soak.rng.choices(routes, weights)
        simulator = workspace.simulator
        # One fault waits per route at most: a burst of queued ones would be a different test.
        if simulator.request_count(route) > workspace.injected_at.get(route, -1):
            kind = soak.rng.choice(list(FAULTS))
            simulator.inject(route, FAULTS[kind](soak.rng))
            workspace.injected_at[route] = simulator.request_count(route)
            soak.injected[kind] += 1
            soak.injected_routes[route] += 1
        await asyncio.sleep(soak.rng.uniform(0.1, 0.4))


async def withdraw_faults(workspace: Workspace, session: aiohttp.ClientSession) -> None:
    """Use up a fault still waiting on a route with a request of our own (it changes nothing)."""
    for route, count in workspace.injected_at.items():
        if workspace.simulator.request_count(route) == count:
            try:
                async with session.post(f"{workspace.simulator.url}{route}", data=b"") as answer:
                    await answer.read()
            except aiohttp.ClientError:
                pass  # a dropped connection was the fault


def delivery(
    secret: str, event: dict[str, Any], *, sent_at: int | None = None, message_id: str = ""
) -> dict[str, Any]:
    """A webhook delivery signed with `secret`, as Seam sends it."""
    body = json.dumps(event).encode()
    message_id = message_id or f"msg_{secrets.token_hex(6)}"
    sent_at = int(time.time()) if sent_at is None else sent_at
    headers = {
        "svix-id": message_id,
        "svix-timestamp": str(sent_at),
        "svix-signature": sign_webhook(secret, message_id, sent_at, body),
        "content-type": "application/json",
    }
    return {"data": body, "headers": headers}


def lock_event(device: SimDevice, locked: bool, event_id: str | None = None) -> dict[str, Any]:
    return {
        "event_id": event_id or f"evt_{secrets.token_hex(6)}",
        "event_type": "lock.locked" if locked else "lock.unlocked",
        "device_id": device.device_id,
        "method": "manual",
    }


async def forge_deliveries(
    soak: Soak, post: Post, workspace: Workspace, witness: SimDevice, replayable: dict[str, Any]
) -> None:
    """Post forged, stale, tampered, unsigned and replayed deliveries to Home Assistant."""
    data = workspace.entry.data
    path = f"/api/webhook/{data[CONF_WEBHOOK_ID]}"
    secret = data[CONF_WEBHOOK_SECRET]
    wrong_secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    kinds = [*REFUSED_DELIVERIES, "replayed"]
    while soak.running():
        kind = soak.rng.choice(kinds)
        # The witness is unlocked: every forgery claims it locked.
        claim = lock_event(witness, locked=True)
        now = int(time.time())
        match kind:
            case "forged":
                deliveries = [delivery(wrong_secret, claim)]
            case "stale":
                deliveries = [delivery(secret, claim, sent_at=now - 600)]
            case "from the future":
                deliveries = [delivery(secret, claim, sent_at=now + 600)]
            case "unsigned":
                deliveries = [{"data": json.dumps(claim).encode()}]
            case "tampered":
                deliveries = [delivery(secret, lock_event(witness, locked=False))]
                deliveries[0]["data"] = json.dumps(claim).encode()
            case "forged outcome":
                # Success for every attempt under way, the jammed lock's included.
                pending = [
                    attempt
                    for attempt in workspace.simulator.action_attempts.values()
                    if attempt["status"] == "pending"
                ]
                deliveries = [
                    delivery(
                        wrong_secret,
                        {
                            "event_id": f"evt_{secrets.token_hex(6)}",
                            "event_type": f"action_attempt.{attempt['action_type'].lower()}"
                            ".succeeded",
                            "action_attempt_id": attempt["action_attempt_id"],
                            "action_type": attempt["action_type"],
                            "status": "success",
                        },
                    )
                    for attempt in pending
                ] or [delivery(wrong_secret, claim)]
            case _:
                deliveries = [replayable]
        for one in deliveries:
            async with asyncio.timeout(10):
                answer = await post(path, **one)
            soak.deliveries[kind] += 1
            soak.delivery_statuses[kind][answer.status] += 1
        await asyncio.sleep(soak.rng.uniform(0.1, 0.5))


def per_minute_peaks(workspace: Workspace) -> dict[str, int]:
    """The most lock and unlock requests one device got within any 60 s."""
    peaks: dict[str, int] = {}
    for route in ("/locks/lock_door", "/locks/unlock_door"):
        times: defaultdict[str, list[float]] = defaultdict(list)
        for request in workspace.simulator.requests:
            if request.path == route:
                times[str(request.body.get("device_id"))].append(request.at)
        peaks[route] = max(
            (
                sum(1 for later in arrivals if start <= later < start + 60)
                for arrivals in times.values()
                for start in arrivals
            ),
            default=0,
        )
    return peaks


async def test_soak(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    assert await async_setup_component(hass, "webhook", {})
    http = await hass_client_no_auth()
    await hass.config.async_update(external_url=str(http.make_url("")).rstrip("/"))
    async with SeamSimulator(
        api_key="seam_testsim_polled_fedcba9876543210",
        workspace_id="workspace_sim_2",
        workspace_name="Polled Home",
    ) as polled_simulator:
        workspaces = []
        for sim, name in ((simulator, "Pushed"), (polled_simulator, "Polled")):
            locks = [
                sim.add_lock(f"{name} {number}", actuation_delay=0.2 + 0.4 * number)
                for number in range(1, LOCKS_PER_WORKSPACE + 1)
            ]
            jammed = sim.add_lock(
                f"{name} jammed",
                actuation_delay=0.5,
                outcome=Outcome(status="error", error_type="lock_jammed", error_message="Jammed"),
            )
            entry = MockConfigEntry(
                domain=DOMAIN,
                title=sim.workspace_name,
                unique_id=sim.workspace_id,
                data={CONF_API_KEY: sim.api_key, CONF_API_URL: sim.url},
            )
            workspaces.append(Workspace(sim, entry, [*locks, jammed], jammed))
        witness = simulator.add_lock("Witness", locked=True)
        # The polled workspace cannot register its webhook, so it polls.
        polled_simulator.inject("/webhooks/create", Fault(status=503))
        for workspace in workspaces:
            workspace.entry.add_to_hass(hass)
            assert await hass.config_entries.async_setup(workspace.entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)
        pushed, polled = workspaces
        assert pushed.entry.runtime_data.push.url is not None
        assert polled.entry.runtime_data.push.url is None

        soak = Soak(hass, workspaces)
        watched = [entity_id_of(hass, device) for ws in workspaces for device in ws.locks]
        witness_id = entity_id_of(hass, witness)
        stop_watching = async_track_state_change_event(
            hass, [*watched, witness_id], soak.state_changed
        )
        stop_notes = persistent_notification.async_register_callback(
            hass, soak.notification_changed
        )

        # A genuine delivery to replay later: "locked" while the witness is locked, then a
        # genuine "unlocked". Replaying the first must never lock it again.
        secret = pushed.entry.data[CONF_WEBHOOK_SECRET]
        replayable = delivery(secret, lock_event(witness, locked=True))
        assert (
            await http.post(f"/api/webhook/{pushed.entry.data[CONF_WEBHOOK_ID]}", **replayable)
        ).status == 200
        witness.locked = False
        unlocked = delivery(secret, lock_event(witness, locked=False))
        assert (
            await http.post(f"/api/webhook/{pushed.entry.data[CONF_WEBHOOK_ID]}", **unlocked)
        ).status == 200
        await hass.async_block_till_done()
        assert hass.states.get(witness_id).state == LockState.UNLOCKED
        soak.states[witness_id].clear()
        rejected_before = pushed.entry.runtime_data.push.rejected

        try:
            # A failing task cancels the others: nothing outlives the soak.
            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(inject_faults(soak))
                tasks.create_task(forge_deliveries(soak, http.post, pushed, witness, replayable))
                for workspace in workspaces:
                    for device in workspace.locks:
                        tasks.create_task(drive(soak, workspace, device))
            # The faults have stopped. Let the last outcomes and deliveries land, then one
            # refresh must bring every state in line with Seam.
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
                for workspace in workspaces:
                    await withdraw_faults(workspace, session)
            await asyncio.sleep(max(d.actuation_delay for ws in workspaces for d in ws.locks))
            for workspace in workspaces:
                await workspace.simulator.webhooks.settle()
            await hass.async_block_till_done()
            mismatched = []
            for workspace in workspaces:
                await workspace.entry.runtime_data.coordinator.async_refresh()
                assert workspace.entry.runtime_data.coordinator.last_update_success
                for device in workspace.simulator.devices.values():
                    state = hass.states.get(entity_id_of(hass, device))
                    wanted = LockState.LOCKED if device.locked else LockState.UNLOCKED
                    if state is None or state.state != wanted:
                        mismatched.append((device.display_name, state and state.state, wanted))
        finally:
            stop_watching()
            stop_notes()
            rejected = pushed.entry.runtime_data.push.rejected - rejected_before
            for workspace in workspaces:
                await hass.config_entries.async_unload(workspace.entry.entry_id)

    # What held.
    refused = {kind: soak.delivery_statuses[kind] for kind in REFUSED_DELIVERIES}
    replays = soak.delivery_statuses["replayed"]
    outcomes = Counter(command.outcome for command in soak.commands)
    errors = Counter(command.error_key for command in soak.commands if command.outcome == "error")
    unexplained = [c for c in soak.commands if c.outcome == "no outcome" or not c.shown]
    jammed_ids = {ws.jammed.device_id for ws in workspaces}
    jammed_confirmed = [
        c for c in soak.commands if c.device_id in jammed_ids and c.outcome == "confirmed"
    ]
    peaks = {ws.entry.title: per_minute_peaks(ws) for ws in workspaces}
    posts = Counter(
        (request.path, request.body.get("device_id"))
        for ws in workspaces
        for request in ws.simulator.requests
        # Our own requests that used up leftover faults name no device.
        if request.path in ("/locks/lock_door", "/locks/unlock_door")
        and request.body.get("device_id")
    )
    sent = Counter(
        (f"/locks/{command.action}_door", command.device_id) for command in soak.commands
    )
    keys = [ws.simulator.api_key for ws in workspaces]
    secrets_logged = [key for key in [*keys, secret] if key in caplog.text]
    secrets_shown = [key for key in [*keys, secret] if any(key in note for note in soak.notes)]
    # Home Assistant's coordinator reports a failed refresh once at ERROR, with the traceback
    # at DEBUG ("Full error:"): handled, by design. Anything else at ERROR, or a traceback at
    # WARNING and above, is an exception nobody handled.
    tracebacks = [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.records
        if ((record.exc_info or record.exc_text) and record.levelno >= logging.WARNING)
        or "Traceback" in record.getMessage()
    ]
    refresh_failures = [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR
        and record.getMessage().startswith(f"Error fetching {DOMAIN} data")
    ]
    errors_logged = [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.records
        if record.levelno >= logging.ERROR and record.getMessage() not in refresh_failures
    ]
    answered = Counter(
        "dropped" if request.status == 0 else str(request.status)
        for ws in workspaces
        for request in ws.simulator.requests
    )

    with capsys.disabled():
        print(
            f"\nSeam soak: seed {SEED}, {SOAK_SECONDS:g} s of faults, "
            f"{soak.requests} requests (budget {REQUEST_BUDGET}); a webhook workspace and a "
            f"polling one, {LOCKS_PER_WORKSPACE} locks + 1 jammed each, 1 witness lock"
        )
        print(f"  injected {soak.injected.total()} API faults: {dict(soak.injected)}")
        print(f"    on routes: {dict(soak.injected_routes)}")
        print(f"  Seam answered: {dict(sorted(answered.items()))}")
        print(
            f"  webhook deliveries: {len(simulator.webhooks.delivered)} genuine; "
            f"bad ones {dict(soak.deliveries)} -> refused "
            f"{ {kind: dict(statuses) for kind, statuses in refused.items()} }, "
            f"replays answered {dict(replays)}"
        )
        print(
            f"  commands: {len(soak.commands)} {dict(outcomes)}, errors by key {dict(errors)}; "
            f"jammed locks confirmed: {len(jammed_confirmed)}"
        )
        print(f"  most lock/unlock requests per device in 60 s: {peaks}")
        print(f"  refresh failures reported (handled): {refresh_failures}")
        print(
            "  held: "
            + ", ".join(
                f"{what}: {'yes' if ok else 'NO'}"
                for what, ok in (
                    ("no unhandled exception", not tracebacks and not errors_logged),
                    ("API key and webhook secret never logged", not secrets_logged),
                    (
                        "per-device rate inside Seam's limits",
                        all(
                            peak <= SEAM_LIMIT_PER_MINUTE
                            for p in peaks.values()
                            for peak in p.values()
                        ),
                    ),
                    ("each command confirmed or a user-visible error", not unexplained),
                    ("states match Seam after one refresh", not mismatched),
                    ("no forged webhook changed anything", not jammed_confirmed),
                )
            )
        )

    assert soak.requests <= REQUEST_BUDGET + 200, "the soak ran past its request budget"
    assert soak.commands, "no command was made"
    assert not tracebacks, tracebacks
    assert not errors_logged, errors_logged
    assert not secrets_logged, "a secret reached the log"
    assert not secrets_shown, "a secret reached a notification"
    for title, route_peaks in peaks.items():
        for route, peak in route_peaks.items():
            assert peak <= SEAM_LIMIT_PER_MINUTE, f"{title} {route}: {peak} in a minute"
    # A command is sent once: never retried, so never more requests than commands.
    assert all(posts[key] <= sent[key] for key in posts), [
        (key, posts[key], sent[key]) for key in posts if posts[key] > sent[key]
    ]
    assert not unexplained, unexplained
    assert not mismatched, mismatched
    # Every bad delivery was refused, replays were accepted and ignored, nothing changed.
    for kind, statuses in refused.items():
        assert set(statuses) <= {401}, (kind, statuses)
    assert set(replays) <= {200, 401}
    assert rejected == sum(
        count for statuses in refused.values() for count in statuses.values()
    ) + replays.get(401, 0)
    assert set(soak.states[witness_id]) <= {LockState.UNLOCKED, STATE_UNAVAILABLE}
    assert not jammed_confirmed, jammed_confirmed
    for workspace in workspaces:
        entity_id = entity_id_of(hass, workspace.jammed)
        assert LockState.LOCKED not in soak.states[entity_id]
