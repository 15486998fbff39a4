"""A fleet of locks, each with its own pace: confirmation by polling, cold and warm.

Each lock has a typical actuation, spread log-uniformly over 0.4-15 s; each of its commands
takes that, give or take 10 % (uniform), and one command in 20 twice as long. A lock's first 3
commands are "cold" (nothing learned of it yet), the rest "warm". The same actuations are
driven side by side, at the same time, on separate simulated locks: by Seam's Python SDK (its
0.5 s tick, its limit raised so that it never gives up) and by Home Assistant polling on the
integration's schedule (no webhooks). Commands of a lock follow each other (lock, unlock,
lock, ...); the locks of a fleet run at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import random
import time
from typing import Any

from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.util import slugify
from tests.simulator import SeamSimulator, SimDevice

from .conftest import Results, running
from .sdk import SeamSdk

# Locks, commands per lock. The short mode (CI) keeps the whole range of paces.
FLEET = {"short": (6, 5), "full": (24, 15)}
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
    device: SimDevice, actuations: list[float], command: Command
) -> list[dict[str, Any]]:
    """One lock's commands, one after the other; one record per command."""
    records = []
    for number, actuation in enumerate(actuations):
        device.actuation_delay = actuation
        seconds = await command(number)
        records.append({"actuation": actuation, "seconds": seconds})
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


async def _home_assistant(
    hass: HomeAssistant, simulator: SeamSimulator, plan: list[list[float]]
) -> list[list[dict[str, Any]]]:
    devices = [simulator.add_lock(f"Fleet HA {n:02d}") for n in range(len(plan))]

    def command_of(device: SimDevice) -> Command:
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

    async with running(hass, simulator) as entry:
        assert entry.runtime_data.push.url is None  # polling only
        measured = await asyncio.gather(
            *(
                _drive(device, actuations, command_of(device))
                for device, actuations in zip(devices, plan, strict=True)
            )
        )
    for device, records in zip(devices, measured, strict=True):
        _count_polls(simulator, device, records)
    return list(measured)


async def _sdk(simulator: SeamSimulator, plan: list[list[float]]) -> list[list[dict[str, Any]]]:
    devices = [simulator.add_lock(f"Fleet SDK {n:02d}") for n in range(len(plan))]
    clients = [SeamSdk(simulator.url, simulator.api_key, timeout=SDK_LIMIT) for _ in plan]

    def command_of(device: SimDevice, sdk: SeamSdk) -> Command:
        async def command(number: int) -> float:
            submit = sdk.submit_unlock if number % 2 else sdk.submit_lock
            done = await asyncio.wrap_future(submit(device.device_id))
            assert not done.gave_up
            return float(done.seconds)

        return command

    for client in clients:
        client.__enter__()
    try:
        measured = await asyncio.gather(
            *(
                _drive(device, actuations, command_of(device, sdk))
                for device, actuations, sdk in zip(devices, plan, clients, strict=True)
            )
        )
    finally:
        for client in clients:
            client.__exit__(None, None, None)
    for device, records in zip(devices, measured, strict=True):
        _count_polls(simulator, device, records)
    return list(measured)


async def test_fleet_polled(
    hass: HomeAssistant, simulator: SeamSimulator, bench_mode: str, results: Results
) -> None:
    """The SDK and Home Assistant over the same fleet, at the same time."""
    plan = fleet(bench_mode)
    ours, theirs = await asyncio.gather(
        _home_assistant(hass, simulator, plan), _sdk(simulator, plan)
    )
    results["fleet"] = {
        "paces": list(PACES),
        "cold": COLD,
        "schedules": {"sdk": theirs, "fixed": ours},
    }
    for records in (*ours, *theirs):
        for record in records:
            # Confirmed, never before the lock was done.
            assert record["seconds"] >= record["actuation"], record
