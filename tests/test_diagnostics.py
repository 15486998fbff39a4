"""Diagnostics: useful to a maintainer, and free of secrets and personal data."""

from __future__ import annotations

import json

from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.seam.const import CONF_WEBHOOK_SECRET, DOMAIN
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from tests.conftest import setup_integration
from tests.simulator import SeamSimulator


async def test_entry_diagnostics_shape_and_no_secrets(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    simulator.add_lock("Front Door", device_id="front_door_id", serial_number="SERIAL-123")
    # Both register HTTP views, which must happen before the test server starts.
    assert await async_setup_component(hass, "webhook", {})
    assert await async_setup_component(hass, "diagnostics", {})
    http = await hass_client()
    await hass.config.async_update(external_url=str(http.make_url("")).rstrip("/"))
    await setup_integration(hass, config_entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    await hass.services.async_call(
        LOCK_DOMAIN, "lock", {ATTR_ENTITY_ID: "lock.front_door"}, blocking=True
    )

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, config_entry)
    assert diagnostics["webhooks"]["active"] is True
    assert diagnostics["recent_commands"][0]["outcome"] == "success"
    text = json.dumps(diagnostics)
    for secret in (
        simulator.api_key,
        config_entry.data[CONF_WEBHOOK_SECRET],
        "SERIAL-123",
        "Front Door",
        simulator.workspace_id,
    ):
        assert secret not in text
    assert diagnostics == snapshot(
        exclude=lambda prop, path: prop
        in (
            # Different on every run: ids, times, the simulator's port, delivery timing.
            "entry_id",
            "created_at",
            "modified_at",
            "last_refresh_seconds",
            "seconds",
            "api_url",
            "action_attempt_id",
            "deliveries",
            "seam_requests",
            # What was learned of the lock's pace: timings of this run.
            "observations",
            "typical_seconds",
            "window_seconds",
            "gap_seconds",
        )
    )
    [pace] = diagnostics["paces"].values()
    assert len(pace["observations"]) == 1  # the lock command, confirmed by push
    low, high = pace["observations"][0]
    assert 0 <= low == high <= pace["typical_seconds"] + 0.001

    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, "front_door_id"), config_entry.entry_id
    )
    assert device is not None
    per_device = await get_diagnostics_for_device(hass, hass_client, config_entry, device)
    assert per_device["device"]["device_id"] == "front_door_id"
    assert [record["action"] for record in per_device["recent_commands"]] == ["lock"]
    assert per_device["pace"] == pace
    assert "SERIAL-123" not in json.dumps(per_device)
