"""Flood: forged and replayed webhook deliveries, with Seam's real ones among them.

The flood comes from a process of its own (`FloodSender`, its source run by `python -c`), as
it would from the network: Home Assistant's thread does only Home Assistant's work, and the
sender's CPU is not counted as the receiver's. Every `mark_every` answers the sender says so;
the benchmark then has the simulator emit a real `lock.locked` or `lock.unlocked` and times it
to the state, while the flood goes on. The receiver is measured as a black box: HTTP answers,
what Home Assistant shows, what it logs, what memory it keeps.

Two passes: one with allocations traced (memory kept), then one timed (tracing slows Home
Assistant a few times over, so its latencies and rates would not be its own). The test asserts
what must hold (forged refused, replays answered and applied once, the lock as Seam has it);
the report judges the figures.
"""

from __future__ import annotations

import asyncio
import base64
from collections import Counter
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
import gc
import inspect
import json
import logging
import secrets
import sys
import time
import tracemalloc
from typing import Any

import aiohttp

from custom_components.seam.api import sign_webhook
from custom_components.seam.data import LockActivity, signal_lock_activity
from homeassistant.components.lock.const import LockState
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.event import async_track_state_change_event
from tests.simulator import SeamSimulator, SimDevice

from .conftest import Results, running
from .harness import LogCount, StateWatch, rss_bytes, where

ENTITY = "lock.front_door"
# Forged and replayed deliveries per pass, and Seam's real deliveries taken during it (at least
# `SAMPLES_MIN` of them must fall before the flood ends).
FORGED = {"short": 1_000, "full": 10_000}
REPLAYED = {"short": 1_000, "full": 10_000}
SAMPLES = {"short": 25, "full": 125}
SAMPLES_MIN = {"short": 20, "full": 100}
CONCURRENCY = 64
# The sender waits while this many marks are not yet answered by a real delivery, so the real
# ones are spread over the whole flood even when each takes longer than a mark's worth of it.
MAX_LAG = 2
# The captured deliveries replayed: the lock event (most replays) and a few access denials.
EXTRA_REPLAYED = 3
ORIGINAL_SHARE = 0.9


class FloodSender:
    """Posts a flood as told on stdin, in a process of its own (`SENDER` runs this source).

    Reads the plan as one JSON line, answers `ready`, waits for `go`, then posts every delivery
    with at most `concurrency` in flight. After each `mark_every` answers (half-way into each
    block) it writes `mark`; while more than `max_lag` marks wait for an `ack` on stdin, it
    sends nothing new. It ends with what it saw as one JSON line. It uses only the imports in
    `SENDER_IMPORTS`.
    """

    def __init__(self) -> None:
        """Nothing sent yet."""
        self.answers: Counter[str] = Counter()
        self.done = self.marks = self.acks = 0
        self.held = 0.0
        self.held_since: float | None = None
        self.resumed = asyncio.Event()
        self.plan: dict[str, Any] = {}

    @staticmethod
    def say(line: str) -> None:
        """One line to the benchmark."""
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    async def main(self) -> None:
        """Read the plan, flood, report."""
        loop = asyncio.get_running_loop()
        stdin = asyncio.StreamReader(limit=1 << 30, loop=loop)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
        self.plan = json.loads(await stdin.readline())
        deliveries = iter(self.plan.pop("deliveries"))
        concurrency = self.plan["concurrency"]
        connector = aiohttp.TCPConnector(limit=concurrency)
        timeout = aiohttp.ClientTimeout(total=60)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            self.say("ready")
            await stdin.readline()  # go
            acking = asyncio.create_task(self.read_acks(stdin))
            started = time.time()
            await asyncio.gather(*(self.post(session, deliveries) for _ in range(concurrency)))
            ended = time.time()
            acking.cancel()
        report = {"answers": self.answers, "started": started, "ended": ended, "held": self.held}
        self.say(json.dumps(report))

    async def read_acks(self, stdin: asyncio.StreamReader) -> None:
        """Count the benchmark's acks; resume sending once few enough marks wait."""
        while await stdin.readline():
            self.acks += 1
            if self.held_since is not None and self.marks - self.acks <= self.plan["max_lag"]:
                self.held += time.monotonic() - self.held_since
                self.held_since = None
            self.resumed.set()

    async def post(self, session: aiohttp.ClientSession, deliveries: Any) -> None:
        """Post deliveries one after the other until none is left (one of `concurrency`)."""
        every, lag = self.plan["mark_every"], self.plan["max_lag"]
        for kind, body, headers in deliveries:
            while self.marks - self.acks > lag:
                self.resumed.clear()
                await self.resumed.wait()
            try:
                async with session.post(
                    self.plan["url"], data=body.encode(), headers=headers
                ) as answer:
                    await answer.read()
                    status = str(answer.status)
            except (aiohttp.ClientError, TimeoutError) as err:
                status = type(err).__name__
            self.answers[f"{kind} {status}"] += 1
            self.done += 1
            if self.done % every == every // 2:
                self.marks += 1
                if self.held_since is None and self.marks - self.acks > lag:
                    self.held_since = time.monotonic()
                self.say("mark")


SENDER_IMPORTS = (
    "import asyncio\nfrom collections import Counter\nimport json\nimport sys\nimport time\n"
    "from typing import Any\n\nimport aiohttp\n\n"
)
SENDER = SENDER_IMPORTS + inspect.getsource(FloodSender) + "\nasyncio.run(FloodSender().main())\n"


@dataclass
class Counts:
    """What Home Assistant did with the deliveries: activities told, lock state changes."""

    activities: int = 0
    state_changes: int = 0
    unsubscribe: list[Callable[[], None]] = field(default_factory=list)

    def watch(self, hass: HomeAssistant, entry_id: str) -> None:
        """Count the lock's activities (one per applied lock event) and state changes."""

        @callback
        def activity(_: LockActivity) -> None:
            self.activities += 1

        @callback
        def changed(event: Event[EventStateChangedData]) -> None:
            old, new = event.data["old_state"], event.data["new_state"]
            if old is not None and new is not None and old.state != new.state:
                self.state_changes += 1

        self.unsubscribe = [
            async_dispatcher_connect(hass, signal_lock_activity(entry_id), activity),
            async_track_state_change_event(hass, ENTITY, changed),
        ]

    def close(self) -> None:
        """Stop counting."""
        for unsubscribe in self.unsubscribe:
            unsubscribe()


def _event(simulator: SeamSimulator, event_type: str, **fields: Any) -> dict[str, Any]:
    """A Seam event as the simulator makes them."""
    now = datetime.now(UTC).isoformat()
    return {
        "event_id": f"event_{secrets.token_hex(8)}",
        "event_type": event_type,
        "workspace_id": simulator.workspace_id,
        "created_at": now,
        "occurred_at": now,
        **fields,
    }


def _headers(message_id: str, signature: str) -> dict[str, str]:
    return {
        "svix-id": message_id,
        "svix-timestamp": str(int(time.time())),
        "svix-signature": signature,
        "content-type": "application/json",
    }


def _signed(secret: str, body: bytes) -> dict[str, str]:
    """Headers signing `body` with `secret`, as Seam (Svix) sends them."""
    message_id = f"msg_{secrets.token_hex(8)}"
    headers = _headers(message_id, "")
    headers["svix-signature"] = sign_webhook(
        secret, message_id, int(headers["svix-timestamp"]), body
    )
    return headers


def _forged(simulator: SeamSimulator, device: SimDevice, count: int) -> list[list[Any]]:
    """Lock events that would move the lock if believed, each with its own ids.

    Half carry a random signature, half are signed with a secret that is not the webhook's.
    """
    wrong_secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    forged: list[list[Any]] = []
    for number in range(count):
        event = _event(
            simulator,
            "lock.unlocked" if number % 4 < 2 else "lock.locked",
            device_id=device.device_id,
            method="manual",
        )
        body = json.dumps(event).encode()
        if number % 2:
            signature = "v1," + base64.b64encode(secrets.token_bytes(32)).decode()
            headers = _headers(f"msg_{secrets.token_hex(8)}", signature)
        else:
            headers = _signed(wrong_secret, body)
        forged.append(["forged", body.decode(), headers])
    return forged


async def _deliver(
    simulator: SeamSimulator,
    webhook: dict[str, Any],
    event: dict[str, Any],
    watch: StateWatch,
    state: str | None = None,
) -> list[Any]:
    """Deliver one valid event through the simulator and capture it (body and headers)."""
    body = json.dumps(event).encode()
    headers = _signed(webhook["secret"], body)
    if state is not None:
        watch.expect(state)
    simulator.webhooks.send(webhook, body, event, headers=headers)
    await simulator.webhooks.settle()
    if state is not None:
        await watch.wait(limit=5)
    assert simulator.webhooks.delivered[-1] == (event, 200), "a valid delivery was refused"
    return ["replayed", body.decode(), headers]


async def _legit(simulator: SeamSimulator, device: SimDevice, watch: StateWatch) -> float:
    """Seam emits the lock's next move; seconds until Home Assistant shows it."""
    device.locked = not device.locked
    watch.expect(LockState.LOCKED if device.locked else LockState.UNLOCKED)
    started = time.perf_counter()
    simulator.emit(
        "lock.locked" if device.locked else "lock.unlocked",
        device_id=device.device_id,
        method="manual",
    )
    seconds = await watch.wait(limit=5) - started
    await simulator.webhooks.settle()
    return seconds


def _replay_cache(entry: ConfigEntry[Any]) -> int:
    """Delivery ids the receiver remembers now."""
    return len(entry.runtime_data.webhooks.seen)


def _memory(snapshot: tracemalloc.Snapshot) -> dict[str, Any]:
    """Python memory allocated during the flood and still kept, without the bench's own.

    The simulator's record of its deliveries, this benchmark's samples and tracemalloc itself
    are left out: what remains is Home Assistant's (aiohttp's, the integration's, ...).
    """
    kept = snapshot.filter_traces(
        [
            tracemalloc.Filter(False, tracemalloc.__file__),
            tracemalloc.Filter(False, "*/tests/simulator/*"),
            tracemalloc.Filter(False, "*/bench/*"),
        ]
    ).statistics("lineno")
    ours = [stat for stat in kept if "custom_components" in stat.traceback[0].filename]

    def table(stats: list[tracemalloc.Statistic]) -> list[dict[str, Any]]:
        return [{"where": where(stat.traceback[0]), "bytes": stat.size} for stat in stats]

    return {
        "kept": sum(stat.size for stat in kept),
        "integration_kept": sum(stat.size for stat in ours),
        "top": table(kept[:8]),
        "top_integration": table(ours[:5]),
    }


@dataclass
class Sender:
    """The flood's sender process, from the benchmark's side."""

    process: asyncio.subprocess.Process

    @classmethod
    async def start(cls, plan: bytes) -> Sender:
        """Start the process and hand it the plan; it answers once ready."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            SENDER,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        sender = cls(process)
        sender.write(plan + b"\n")
        if await sender.read() != b"ready\n":
            await sender.failed("did not start")
        return sender

    def write(self, line: bytes) -> None:
        """A line to the sender (nothing once it has gone)."""
        if self.process.stdin is not None and not self.process.stdin.is_closing():
            self.process.stdin.write(line)

    async def read(self) -> bytes:
        """The sender's next line."""
        assert self.process.stdout is not None
        return await self.process.stdout.readline()

    async def failed(self, what: str) -> None:
        """End the sender and raise with what it wrote to stderr."""
        await self.stop()
        assert self.process.stderr is not None
        raise RuntimeError(f"The flood sender {what}: {await self.process.stderr.read()!r}")

    async def stop(self) -> None:
        """End the process if it has not ended."""
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        await self.process.wait()


async def _capture(
    simulator: SeamSimulator, device: SimDevice, watch: StateWatch
) -> list[list[Any]]:
    """Valid deliveries, sent once by Seam and captured as sent (body and headers).

    A lock move (Home Assistant shows it), then access denials (activity only).
    """
    [webhook] = simulator.webhooks.by_id.values()
    device.locked = not device.locked
    move = _event(
        simulator,
        "lock.locked" if device.locked else "lock.unlocked",
        device_id=device.device_id,
        method="manual",
    )
    state = LockState.LOCKED if device.locked else LockState.UNLOCKED
    originals = [await _deliver(simulator, webhook, move, watch, state)]
    for _ in range(EXTRA_REPLAYED):
        denied = _event(simulator, "lock.access_denied", device_id=device.device_id)
        originals.append(await _deliver(simulator, webhook, denied, watch))
    return originals


def _plan(
    simulator: SeamSimulator, device: SimDevice, originals: list[list[Any]], url: str, mode: str
) -> tuple[bytes, int]:
    """The sender's plan as one JSON line, forged deliveries and replays shuffled together."""
    replays = REPLAYED[mode]
    deliveries = _forged(simulator, device, FORGED[mode]) + [
        originals[0]
        if number < replays * ORIGINAL_SHARE
        else originals[1 + number % EXTRA_REPLAYED]
        for number in range(replays)
    ]
    secrets.SystemRandom().shuffle(deliveries)
    plan = {
        "url": url,
        "concurrency": CONCURRENCY,
        "mark_every": len(deliveries) // SAMPLES[mode],
        "max_lag": MAX_LAG,
        "deliveries": deliveries,
    }
    return json.dumps(plan).encode(), len(deliveries)


async def _flood_pass(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    entry: ConfigEntry[Any],
    device: SimDevice,
    watch: StateWatch,
    mode: str,
    *,
    traced: bool,
) -> dict[str, Any]:
    """Capture valid deliveries, then flood with forged ones and their replays.

    Seam's real deliveries are timed during the flood; what Home Assistant did is counted.
    """
    push = entry.runtime_data.push
    counts = Counts()
    counts.watch(hass, entry.entry_id)
    before = {"deliveries": push.deliveries, "rejected": push.rejected}
    originals = await _capture(simulator, device, watch)
    plan, requests = _plan(simulator, device, originals, push.url, mode)
    sender = await Sender.start(plan)
    del plan
    samples: list[tuple[float, float]] = []  # (emitted at, by the wall clock; seconds)
    memory: dict[str, Any] = {}
    try:
        cache_before = _replay_cache(entry)
        gc.collect()
        rss_before = rss_bytes()
        if traced:
            tracemalloc.start()
        cpu_before, wall_before = time.thread_time(), time.monotonic()
        sender.write(b"go\n")
        while (line := await sender.read()) == b"mark\n":
            at = time.time()
            samples.append((at, await _legit(simulator, device, watch)))
            sender.write(b"ack\n")
        if not line:
            await sender.failed("failed")
        # Home Assistant's thread, from `go` until the sender's last answer was in.
        cpu, ha_wall = time.thread_time() - cpu_before, time.monotonic() - wall_before
        sent = json.loads(line)
        await simulator.webhooks.settle()
        await hass.async_block_till_done()
        if traced:
            gc.collect()
            memory = _memory(tracemalloc.take_snapshot())
        rss_growth = rss_bytes() - rss_before
    finally:
        tracemalloc.stop()
        await sender.stop()
        counts.close()
    answers: dict[str, dict[str, int]] = {}
    for key, number in sent["answers"].items():
        kind, status = key.split(" ", 1)
        answers.setdefault(kind, {})[status] = number
    cache_after = _replay_cache(entry)
    wall = sent["ended"] - sent["started"]
    return {
        "traced": traced,
        "requests": requests,
        "wall": wall,
        "per_second": requests / wall,
        "cpu_per_request": cpu / requests,
        "ha_busy": cpu / ha_wall,
        "answers": answers,
        "seconds": [seconds for at, seconds in samples if at < sent["ended"]],
        "after_flood": sum(at >= sent["ended"] for at, _ in samples),
        "sender_held": sent["held"],
        "distinct_events": len(originals) + len(samples),
        "counted_deliveries": push.deliveries - before["deliveries"],
        "counted_rejected": push.rejected - before["rejected"],
        "activities": counts.activities,
        "state_changes": counts.state_changes,
        "expected_state_changes": 1 + len(samples),
        "replay_cache_before": cache_before,
        "replay_cache_after": cache_after,
        "rss_growth": rss_growth,
        **memory,
    }


def _check(flood: dict[str, Any], mode: str) -> None:
    """Forged deliveries refused, replays answered and not applied, each real event once."""
    assert flood["answers"]["forged"] == {"401": FORGED[mode]}, flood["answers"]
    assert flood["answers"]["replayed"] == {"200": REPLAYED[mode]}, flood["answers"]
    # Each distinct event applied once: counted once, one activity, one move of the lock.
    assert flood["counted_deliveries"] == flood["distinct_events"]
    assert flood["activities"] == flood["distinct_events"]
    assert flood["state_changes"] == flood["expected_state_changes"]
    assert len(flood["seconds"]) >= SAMPLES_MIN[mode], "too few real deliveries in the flood"


async def test_flood_of_forged_and_replayed_deliveries(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    reachable: None,
    bench_mode: str,
    results: Results,
) -> None:
    """Real deliveries still show at once, forged ones are refused, replays change nothing."""
    device = simulator.add_lock("Front Door", locked=False)
    receiver_log, every_log = LogCount(), LogCount()
    seam_logger, root_logger = logging.getLogger("custom_components.seam"), logging.getLogger()
    seam_logger.addHandler(receiver_log)
    root_logger.addHandler(every_log)
    try:
        async with running(hass, simulator) as entry:
            assert entry.runtime_data.push.url, "webhooks are not set up"
            receiver_log.by_logger.clear()
            every_log.by_logger.clear()
            every_log.examples.clear()
            watch = StateWatch(hass, ENTITY)
            started = time.monotonic()
            try:
                passes = {
                    name: await _flood_pass(
                        hass, simulator, entry, device, watch, bench_mode, traced=traced
                    )
                    for name, traced in (("traced", True), ("timed", False))
                }
            finally:
                span = time.monotonic() - started
                watch.close()
            during = (receiver_log.total, every_log.total, dict(every_log.by_logger))
            shown = hass.states.get(ENTITY)
    finally:
        seam_logger.removeHandler(receiver_log)
        root_logger.removeHandler(every_log)
    results["flood"] = {
        "forged": FORGED[bench_mode],
        "replayed": REPLAYED[bench_mode],
        "distinct_replayed": 1 + EXTRA_REPLAYED,
        "concurrency": CONCURRENCY,
        "passes": passes,
        "span": span,
        "log": {
            "receiver": during[0],
            "all": during[1],
            "by_logger": during[2],
            # Written later, up to the entry's unload (a rate-limited log's last count).
            "receiver_until_unload": receiver_log.total - during[0],
            "examples": every_log.examples,
        },
        "state": shown.state if shown else None,
        "seam_locked": device.locked,
    }
    for flood in passes.values():
        _check(flood, bench_mode)
    assert shown is not None
    assert shown.state == (LockState.LOCKED if device.locked else LockState.UNLOCKED)
