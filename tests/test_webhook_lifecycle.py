"""The webhook's life: kept over a reload, deleted once with the entry, following the Cloud.

Real Home Assistant, the Seam simulator over HTTP. Home Assistant Cloud is stood in for by its
public helpers: a "cloudhook" that forwards to Home Assistant's own HTTP server on 127.0.0.1, as
the real one forwards to the instance, and its connection signal.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import logging

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.seam.const import CONF_SEAM_WEBHOOK_ID
from homeassistant.components import cloud
from homeassistant.components.lock import LockState
from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.setup import async_setup_component
from tests.conftest import advance, setup_integration
from tests.simulator import Fault, SeamSimulator, SimDevice

FRONT = "lock.front_door"
POLL = timedelta(seconds=30)
PUSH = timedelta(minutes=10)


@pytest.fixture
async def front_door(simulator: SeamSimulator) -> SimDevice:
    return simulator.add_lock("Front Door", device_id="front_door_id", locked=False)


async def settle(hass: HomeAssistant, simulator: SeamSimulator) -> None:
    await simulator.webhooks.settle()
    await hass.async_block_till_done(wait_background_tasks=True)


def seam_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.seam") and record.levelno >= logging.WARNING
    ]


async def test_a_reload_keeps_seams_webhook_and_its_deliveries(
    hass: HomeAssistant, pushed: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    [before] = simulator.webhooks.by_id
    assert await hass.config_entries.async_reload(pushed.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert list(simulator.webhooks.by_id) == [before]
    assert simulator.request_count("/webhooks/delete") == 0
    assert simulator.request_count("/webhooks/create") == 1
    front_door.locked = True
    simulator.emit("lock.locked", device_id="front_door_id")
    await settle(hass, simulator)
    assert hass.states.get(FRONT).state == LockState.LOCKED


async def test_removal_deletes_seams_webhook_once_without_a_warning(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    simulator: SeamSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert await hass.config_entries.async_remove(pushed.entry_id)
    assert simulator.webhooks.by_id == {}
    assert simulator.request_count("/webhooks/delete") == 1
    assert seam_warnings(caplog) == []


async def test_a_webhook_already_deleted_in_seam_is_no_warning_on_removal(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    simulator: SeamSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Someone deleted it in Seam's console: the one delete answers 404, which is fine."""
    simulator.webhooks.by_id.clear()
    assert await hass.config_entries.async_remove(pushed.entry_id)
    assert simulator.request_count("/webhooks/delete") == 1
    assert seam_warnings(caplog) == []


async def test_a_disabled_entry_is_sent_nothing_and_pushes_again_when_enabled(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    simulator: SeamSimulator,
    front_door: SimDevice,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await hass.config_entries.async_set_disabled_by(pushed.entry_id, ConfigEntryDisabler.USER)
    assert pushed.state is ConfigEntryState.NOT_LOADED
    assert simulator.webhooks.by_id == {}
    await hass.config_entries.async_set_disabled_by(pushed.entry_id, None)
    await hass.async_block_till_done(wait_background_tasks=True)
    [webhook] = simulator.webhooks.by_id.values()
    assert pushed.data[CONF_SEAM_WEBHOOK_ID] == webhook["webhook_id"]
    front_door.locked = True
    simulator.emit("lock.locked", device_id="front_door_id")
    await settle(hass, simulator)
    assert hass.states.get(FRONT).state == LockState.LOCKED
    # Disabled again while Seam fails the delete: the id is kept, and removal tries again.
    simulator.inject("/webhooks/delete", Fault(status=400))
    await hass.config_entries.async_set_disabled_by(pushed.entry_id, ConfigEntryDisabler.USER)
    assert len(simulator.webhooks.by_id) == 1
    assert pushed.data[CONF_SEAM_WEBHOOK_ID] in simulator.webhooks.by_id
    assert len(seam_warnings(caplog)) == 1
    assert await hass.config_entries.async_remove(pushed.entry_id)
    assert simulator.webhooks.by_id == {}
    assert simulator.request_count("/webhooks/delete") == 3


async def test_disabled_then_removed_deletes_the_webhook_once(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    simulator: SeamSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Disabled, then removed: the webhook was deleted once, on disabling."""
    await hass.config_entries.async_set_disabled_by(pushed.entry_id, ConfigEntryDisabler.USER)
    assert simulator.webhooks.by_id == {}
    assert await hass.config_entries.async_remove(pushed.entry_id)
    assert simulator.request_count("/webhooks/delete") == 1
    assert seam_warnings(caplog) == []


class FakeCloud:
    """Home Assistant Cloud as the integration sees it: connected or not, and its cloudhooks."""

    def __init__(self, hass: HomeAssistant, base_url: str) -> None:
        self.hass = hass
        self.base_url = base_url
        self.connected = False
        self.made: list[str] = []
        self.deleted: list[str] = []
        self.hold: asyncio.Event | None = None
        self.failing = False

    async def get_or_create(self, hass: HomeAssistant, webhook_id: str) -> str:
        if self.hold is not None:
            await self.hold.wait()
        if not self.connected or self.failing:
            raise cloud.CloudNotConnected
        self.made.append(webhook_id)
        # Forwarded to the instance, as Nabu Casa's relay does.
        return f"{self.base_url}/api/webhook/{webhook_id}"

    async def delete(self, hass: HomeAssistant, webhook_id: str) -> None:
        if self.failing or webhook_id not in self.made:
            # hass_nabucasa's answer for a hook it does not have.
            raise ValueError("Hook is not enabled for the cloud.")
        self.deleted.append(webhook_id)

    def signal(self, connected: bool) -> None:
        self.connected = connected
        async_dispatcher_send(
            self.hass,
            cloud.SIGNAL_CLOUD_CONNECTION_STATE,
            cloud.CloudConnectionState.CLOUD_CONNECTED
            if connected
            else cloud.CloudConnectionState.CLOUD_DISCONNECTED,
        )


@pytest.fixture
async def fake_cloud(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    monkeypatch: pytest.MonkeyPatch,
) -> FakeCloud:
    """A subscribed, disconnected Cloud; no external URL, so without it there is no push."""
    assert await async_setup_component(hass, "webhook", {})
    http = await hass_client_no_auth()
    fake = FakeCloud(hass, str(http.make_url("")).rstrip("/"))
    hass.config.components.add("cloud")
    monkeypatch.setattr(cloud, "async_active_subscription", lambda hass: True)
    monkeypatch.setattr(cloud, "async_is_connected", lambda hass: fake.connected)
    monkeypatch.setattr(cloud, "async_get_or_create_cloudhook", fake.get_or_create)
    monkeypatch.setattr(cloud, "async_delete_cloudhook", fake.delete)
    return fake


@pytest.fixture
async def started_offline(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    fake_cloud: FakeCloud,
) -> MockConfigEntry:
    await setup_integration(hass, config_entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert config_entry.runtime_data.coordinator.update_interval == POLL
    assert simulator.webhooks.by_id == {}
    return config_entry


async def keypad_unlock_shows(
    hass: HomeAssistant, simulator: SeamSimulator, front_door: SimDevice
) -> bool:
    """A keypad unlock, pushed if Seam can: does it show without a device-list read?"""
    front_door.locked = not front_door.locked
    state = LockState.LOCKED if front_door.locked else LockState.UNLOCKED
    simulator.emit(f"lock.{state}", device_id="front_door_id", method="keycode")
    await settle(hass, simulator)
    return hass.states.get(FRONT).state == state


async def test_cloud_connecting_after_start_switches_to_push_without_a_reload(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    front_door: SimDevice,
    fake_cloud: FakeCloud,
    started_offline: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = started_offline
    fake_cloud.signal(connected=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    [webhook] = simulator.webhooks.by_id.values()
    assert webhook["url"] == f"{fake_cloud.base_url}/api/webhook/{entry.data[CONF_WEBHOOK_ID]}"
    assert entry.runtime_data.coordinator.update_interval == PUSH
    assert await keypad_unlock_shows(hass, simulator, front_door)

    # Disconnected: a lock turned meanwhile (its delivery lost) shows at once, not in 10 min,
    # and polling goes on every 30 s. Reconnected: the same Seam webhook, nothing made anew.
    front_door.locked = not front_door.locked
    reads = simulator.request_count("/devices/list")
    fake_cloud.signal(connected=False)
    fake_cloud.signal(connected=False)  # repeated: one read
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.request_count("/devices/list") == reads + 1
    assert hass.states.get(FRONT).state == (
        LockState.LOCKED if front_door.locked else LockState.UNLOCKED
    )
    assert entry.runtime_data.coordinator.update_interval == POLL
    assert entry.runtime_data.push.url is None
    reads = simulator.request_count("/devices/list")
    await advance(hass, 31)
    assert simulator.request_count("/devices/list") == reads + 1
    fake_cloud.signal(connected=True)
    fake_cloud.signal(connected=True)  # repeated: one switch
    await hass.async_block_till_done(wait_background_tasks=True)
    assert list(simulator.webhooks.by_id.values()) == [webhook]
    assert simulator.request_count("/webhooks/create") == 1
    assert entry.runtime_data.coordinator.update_interval == PUSH
    assert await keypad_unlock_shows(hass, simulator, front_door)
    assert entry.state is ConfigEntryState.LOADED
    # Cloud was only not connected yet: no warning, at start (the fixture's setup) or since.
    started = [record.getMessage() for record in caplog.get_records("setup")]
    assert any("Cloud is not connected" in line for line in started)
    assert not any("no URL that Seam can reach" in line for line in started)
    assert seam_warnings(caplog) == []

    # Removed: Seam's webhook and the cloudhook go, once each.
    assert await hass.config_entries.async_remove(entry.entry_id)
    assert fake_cloud.deleted == [entry.data[CONF_WEBHOOK_ID]]
    assert simulator.webhooks.by_id == {}
    assert simulator.request_count("/webhooks/delete") == 1


async def test_removal_without_a_cloudhook_deletes_none(
    hass: HomeAssistant, fake_cloud: FakeCloud, started_offline: MockConfigEntry
) -> None:
    assert await hass.config_entries.async_remove(started_offline.entry_id)
    assert fake_cloud.deleted == []


async def test_an_unload_while_the_cloud_switch_is_under_way_leaves_nothing_behind(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    fake_cloud: FakeCloud,
    started_offline: MockConfigEntry,
) -> None:
    """Cancelled: the entry unloads while the cloudhook is being made."""
    fake_cloud.hold = asyncio.Event()
    fake_cloud.signal(connected=True)
    await asyncio.sleep(0)
    assert await hass.config_entries.async_unload(started_offline.entry_id)
    fake_cloud.hold.set()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.webhooks.by_id == {}
    assert fake_cloud.made == []
    # Nothing listens any more: a later signal changes nothing.
    fake_cloud.hold = None
    fake_cloud.signal(connected=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.webhooks.by_id == {}


async def test_a_cloud_that_cannot_make_a_cloudhook_leaves_the_entry_polling(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    fake_cloud: FakeCloud,
    started_offline: MockConfigEntry,
) -> None:
    """Connected, but the cloudhook cannot be made (the connection just dropped again)."""
    fake_cloud.failing = True
    fake_cloud.signal(connected=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert started_offline.runtime_data.coordinator.update_interval == POLL
    assert simulator.webhooks.by_id == {}


async def test_removal_is_quiet_when_the_cloudhook_is_already_gone(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    fake_cloud: FakeCloud,
    started_offline: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_cloud.signal(connected=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert started_offline.runtime_data.coordinator.update_interval == PUSH
    fake_cloud.failing = True
    assert await hass.config_entries.async_remove(started_offline.entry_id)
    assert fake_cloud.deleted == []
    assert simulator.webhooks.by_id == {}
    assert seam_warnings(caplog) == []


async def test_a_seam_webhook_that_cannot_be_deleted_is_said_once(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    simulator: SeamSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Seam fails the delete: the entry still goes, and the warning names the webhook."""
    [webhook_id] = simulator.webhooks.by_id
    simulator.inject("/webhooks/delete", *[Fault(status=400)] * 3)
    assert await hass.config_entries.async_remove(pushed.entry_id)
    assert hass.config_entries.async_get_entry(pushed.entry_id) is None
    warnings = seam_warnings(caplog)
    assert len(warnings) == 1
    assert webhook_id in warnings[0]
