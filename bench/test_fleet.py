"""A fleet of locks, each with its own pace: confirmation by polling, cold and warm.

Each lock has a typical actuation, spread log-uniformly over 0.4-15 s; each of its commands
takes that, give or take 10 % (uniform), and one command in 20 twice as long. A lock's first 3
commands are "cold" (little or nothing learned of it yet), the rest "warm". The same actuations
are driven side by side, at the same time, on separate simulated locks: by Seam's Python SDK
(its 0.5 s tick, its limit raised so that it never gives up), and by Home Assistant polling (no
webhooks) with the schedule it had before learning (the same for every lock) and with the
learning one. Commands of a lock follow each other (lock, unlock, lock, ...); the locks of a
fleet run at once. Halfway, Home Assistant's entry is reloaded, as at a restart: the learning
schedule goes on from what it stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import random
import time
from typing import Any

import pytest

from custom_components.seam.api import Device, Pace, actuation
from custom_components.seam.paces import LockPaces
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.util import slugify
from tests.simulator import SeamSimulator, SimDevice

from .conftest import Results, running
from .schedules import fixed_poll_delay
from .sdk import SeamSdk

# Locks, commands per lock. The short mode (CI) keeps the whole range of paces.
FLEET = {"short": (8, 6), "full": (24, 15)}
PACES = (0.4, 15.0)
VARIATION = 0.10
SLOW_EVERY = 20
COLD = 3
SEED = 16
SDK_LIMIT = 90.0

type Command = Callable[[int], Awaitable[float]]  # command number -> seconds it took


def fleet(mode: str) -> list[list[float]]:
    """Each lock's actuations (seconds), command by command; the same every run of a mode."""
    rng = random.Random(SEED)  # noqa: S311 -- reproducible draws, not secrets
    locks, commands = FLEET[mode]
    low, high = PACES
    plan = []
    for index in range(locks):
        # Stratified: a small fleet still spans the range.
        typical = low * (high / low) ** ((index + rng.random()) / locks)
        plan.append(
            [
                round(
                    typical
                    * rng.uniform(1 - VARIATION, 1 + VARIATION)
                    * (2 if rng.random() < 1 / SLOW_EVERY else 1),
                    3,
                )
                for _ in range(commands)
            ]
        )
    return plan


async def _drive(
    device: SimDevice, actuations: list[float], command: Command, first: int = 0
) -> list[dict[str, Any]]:
    """Commands `first`, `first + 1`, ... of one lock, one after the other; a record each."""
    records = []
    for number, seconds_to_move in enumerate(actuations, start=first):
        device.actuation_delay = seconds_to_move
        seconds = await command(number)
        records.append({"actuation": seconds_to_move, "seconds": seconds})
    return records


def _count_polls(
    simulator: SeamSimulator, device: SimDevice, records: list[dict[str, Any]]
) -> None:
    """Add each command's polls of its action attempt (the device's attempts, in order)."""
    attempts = [a for a, d in simulator.attempt_devices.items() if d == device.device_id]
    assert len(attempts) == len(records), (device.display_name, len(attempts), len(records))
    polls: dict[str, int] = dict.fromkeys(attempts, 0)
    for request in simulator.requests:
        if request.path == "/action_attempts/get":
            attempt_id = request.body.get("action_attempt_id")
            if attempt_id in polls:
                polls[attempt_id] += 1
    for record, attempt_id in zip(records, attempts, strict=True):
        record["polls"] = polls[attempt_id]


FIXED = Pace(0, 0, 0, 0, -1)  # marks the locks that poll on the schedule before learning


def _ha_command(hass: HomeAssistant, device: SimDevice) -> Command:
    entity_id = f"lock.{slugify(device.display_name)}"

    async def command(number: int) -> float:
        started = time.perf_counter()
        await hass.services.async_call(
            LOCK_DOMAIN,
            "unlock" if number % 2 else "lock",
            {ATTR_ENTITY_ID: entity_id},
            blocking=True,
        )
        return time.perf_counter() - started

    return command


def _sdk_command(device: SimDevice, sdk: SeamSdk) -> Command:
    async def command(number: int) -> float:
        submit = sdk.submit_unlock if number % 2 else sdk.submit_lock
        done = await asyncio.wrap_future(submit(device.device_id))
        assert not done.gave_up
        return float(done.seconds)

    return command


async def test_fleet_polled(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    bench_mode: str,
    results: Results,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The SDK, the schedule before learning and the learning one, over the same fleet."""
    plan = fleet(bench_mode)
    half = len(plan[0]) // 2
    devices = {
        name: [simulator.add_lock(f"Fleet {name} {n:02d}") for n in range(len(plan))]
        for name in ("sdk", "fixed", "learning")
    }
    fixed_ids = {device.device_id for device in devices["fixed"]}
    real_pace, real_delay = LockPaces.pace, actuation.poll_delay

    def pace(paces: LockPaces, device: Device) -> Pace | None:
        return FIXED if device.device_id in fixed_ids else real_pace(paces, device)

    def delay(pace: Pace | None, elapsed: float) -> float:
        return fixed_poll_delay(pace, elapsed) if pace is FIXED else real_delay(pace, elapsed)

    monkeypatch.setattr(LockPaces, "pace", pace)
    monkeypatch.setattr(actuation, "poll_delay", delay)
    clients = [SeamSdk(simulator.url, simulator.api_key, timeout=SDK_LIMIT) for _ in plan]
    for client in clients:
        client.__enter__()
    records: dict[str, list[list[dict[str, Any]]]] = {name: [[] for _ in plan] for name in devices}

    async def run(first: int, last: int) -> None:
        drives: list[Awaitable[list[dict[str, Any]]]] = []
        for index, actuations in enumerate(plan):
            part = actuations[first:last]
            drives += [
                _drive(
                    devices["sdk"][index],
                    part,
                    _sdk_command(devices["sdk"][index], clients[index]),
                    first,
                ),
                *(
                    _drive(
                        devices[name][index], part, _ha_command(hass, devices[name][index]), first
                    )
                    for name in ("fixed", "learning")
                ),
            ]
        done = iter(await asyncio.gather(*drives))
        for index in range(len(plan)):
            for name in ("sdk", "fixed", "learning"):
                records[name][index] += next(done)

    try:
        async with running(hass, simulator) as entry:
            assert entry.runtime_data.push.url is None  # polling only
            await run(0, half)
            # As at a restart: the entry unloads (writing what it learned) and loads again.
            assert await hass.config_entries.async_reload(entry.entry_id)
            await hass.async_block_till_done()
            await run(half, len(plan[0]))
    finally:
        for client in clients:
            client.__exit__(None, None, None)
    for name, locks in records.items():
        for device, commands in zip(devices[name], locks, strict=True):
            _count_polls(simulator, device, commands)
            for record in commands:
                # Confirmed, never before the lock was done.
                assert record["seconds"] >= record["actuation"], record
    results["fleet"] = {
        "paces": list(PACES),
        "cold": COLD,
        "restart_after": half,
        "schedules": records,
    }
