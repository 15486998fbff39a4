"""Fixtures of the benchmarks: Home Assistant as it runs, the simulator, and the results file."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
import json
import logging
from pathlib import Path
import time
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

# Imported first so Home Assistant resolves `custom_components` to this repository.
import custom_components.seam  # noqa: F401
from custom_components.seam.const import CONF_API_URL, DOMAIN
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from tests.simulator import SeamSimulator

type Results = dict[str, Any]


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--bench-mode` (short: CI, full: the published figures) and `--bench-results`."""
    group = parser.getgroup("seam-bench")
    group.addoption("--bench-mode", choices=("short", "full"), default="short")
    group.addoption("--bench-results", default=None, help="JSON file the results go to")


@pytest.fixture(scope="session")
def bench_mode(request: pytest.FixtureRequest) -> str:
    """`short` or `full`."""
    return str(request.config.getoption("--bench-mode"))


@pytest.fixture(scope="session")
def results(request: pytest.FixtureRequest) -> Iterator[Results]:
    """What every benchmark measured, written as JSON when the session ends."""
    collected: Results = {"mode": request.config.getoption("--bench-mode")}
    started = time.monotonic()
    yield collected
    collected["duration"] = time.monotonic() - started
    if path := request.config.getoption("--bench-results"):
        Path(path).write_text(json.dumps(collected, indent=2, default=str))


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


@pytest.fixture(autouse=True)
async def enable_event_loop_debug() -> None:
    """Measure Home Assistant as it runs: without asyncio's debug mode, which tests turn on."""
    asyncio.get_running_loop().set_debug(False)


@pytest.fixture(autouse=True)
def log_like_home_assistant() -> Iterator[None]:
    """Log warnings and up, as Home Assistant does by default (tests log everything)."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)
    yield
    root.setLevel(level)


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncIterator[SeamSimulator]:
    """A fresh Seam simulator on 127.0.0.1, in Home Assistant's loop."""
    async with SeamSimulator() as sim:
        yield sim


def entry_for(simulator: SeamSimulator) -> MockConfigEntry:
    """A config entry for the simulator's workspace."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=simulator.workspace_name,
        unique_id=simulator.workspace_id,
        data={CONF_API_KEY: simulator.api_key, CONF_API_URL: simulator.url},
    )


@asynccontextmanager
async def running(hass: HomeAssistant, simulator: SeamSimulator) -> AsyncIterator[MockConfigEntry]:
    """The integration set up for the simulator's workspace, unloaded while it still answers."""
    entry = entry_for(simulator)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    # Webhooks are set up in the background.
    await hass.async_block_till_done(wait_background_tasks=True)
    try:
        yield entry
    finally:
        await hass.config_entries.async_unload(entry.entry_id)


async def make_reachable(hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator) -> None:
    """Home Assistant's HTTP server on 127.0.0.1 as its external URL: Seam can push to it."""
    assert await async_setup_component(hass, "webhook", {})
    http = await hass_client_no_auth()
    await hass.config.async_update(external_url=str(http.make_url("")).rstrip("/"))


@pytest.fixture
async def reachable(hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator) -> None:
    """Seam can push to Home Assistant (see `make_reachable`)."""
    await make_reachable(hass, hass_client_no_auth)
