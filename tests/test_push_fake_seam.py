"""Push against Seam's own fake server: registration, and deliveries signed the production way.

The fake checks `/webhooks/create`'s event types against its own, older list and never
delivers. So Home Assistant registers there for real, and each test delivers what the fake
recorded (its own `lock.unlocked` event), signed the Svix way with the secret it handed out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
import logging
import time
from typing import Any

import aiohttp
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.seam.api import sign_webhook
from custom_components.seam.const import CONF_API_URL, CONF_WEBHOOK_SECRET, DOMAIN
from homeassistant.components.lock import LockState
from homeassistant.const import CONF_API_KEY, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from tests.conftest import Post, setup_integration
from tests.fake_seam import FakeSeam

FRONT_ID = "august_device_1"


async def seam(fake_seam: FakeSeam, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """Call the fake as a Seam client would (the seeded key), outside Home Assistant."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{fake_seam.url}{path}",
            json=body,
            headers={"authorization": f"Bearer {fake_seam.api_key}"},
        ) as response,
    ):
        data: dict[str, Any] = await response.json()
        assert response.status == 200, data
        return data


def entry_for(fake_seam: FakeSeam) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title="Seed Workspace",
        unique_id=fake_seam.workspace_id,
        data={CONF_API_KEY: fake_seam.api_key, CONF_API_URL: fake_seam.url},
    )


def signed(secret: str, body: bytes, message_id: str = "msg_1") -> dict[str, str]:
    timestamp = int(time.time())
    return {
        "svix-id": message_id,
        "svix-timestamp": str(timestamp),
        "svix-signature": sign_webhook(secret, message_id, timestamp, body),
        "content-type": "application/json",
    }


async def front_door_unlocked_by_someone_else(fake_seam: FakeSeam) -> bytes:
    """Unlock the front door through Seam (not Home Assistant); return the fake's event."""
    since = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
    await seam(fake_seam, "/locks/unlock_door", {"device_id": FRONT_ID})
    events = (await seam(fake_seam, "/events/list", {"since": since}))["events"]
    [event] = [e for e in events if e["event_type"] == "lock.unlocked"]
    assert event["device_id"] == FRONT_ID
    return json.dumps(event).encode()


@pytest.fixture
async def svix_fake(fake_seam: FakeSeam) -> FakeSeam:
    """The fake handing out production-style (`whsec_`) webhook secrets."""
    async with aiohttp.ClientSession() as session:
        await fake_seam.use_svix_secrets(session)
    return fake_seam


async def test_home_assistant_registers_with_seams_fake_and_its_signed_event_applies(
    hass: HomeAssistant,
    svix_fake: FakeSeam,
    reachable: Post,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    entry = entry_for(svix_fake)
    await setup_integration(hass, entry)
    await hass.async_block_till_done(wait_background_tasks=True)

    # The fake refuses eight of the types handled here; registration still succeeded.
    [webhook] = (await seam(svix_fake, "/webhooks/list", {}))["webhooks"]
    assert webhook["url"].endswith(f"/api/webhook/{entry.data[CONF_WEBHOOK_ID]}")
    assert "lock.unlocked" in webhook["event_types"]
    assert entry.data[CONF_WEBHOOK_SECRET] == webhook["secret"]
    assert entry.runtime_data.push.url == webhook["url"]
    assert caplog.text == ""

    [front] = [
        s.entity_id
        for s in hass.states.async_all("lock")
        if s.attributes.get("friendly_name") == "Front Door"
    ]
    assert hass.states.get(front).state == LockState.LOCKED
    body = await front_door_unlocked_by_someone_else(svix_fake)
    forged = signed("whsec_" + "A" * 32, body)
    response = await reachable(
        f"/api/webhook/{entry.data[CONF_WEBHOOK_ID]}", data=body, headers=forged
    )
    assert response.status == 401
    assert hass.states.get(front).state == LockState.LOCKED

    headers = signed(webhook["secret"], body)
    response = await reachable(
        f"/api/webhook/{entry.data[CONF_WEBHOOK_ID]}", data=body, headers=headers
    )
    assert response.status == 200
    await hass.async_block_till_done()
    # Applied by the delivery itself: the next read is ten minutes away.
    assert hass.states.get(front).state == LockState.UNLOCKED


async def test_seams_fake_secret_cannot_verify_anything_so_home_assistant_polls(
    hass: HomeAssistant,
    fake_seam: FakeSeam,
    reachable: Post,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The fake's own `fake_secret_<hex>`: refused without a crash, the webhook removed."""
    caplog.set_level(logging.WARNING)
    entry = entry_for(fake_seam)
    await setup_integration(hass, entry)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert entry.runtime_data.push.url is None
    assert entry.runtime_data.coordinator.update_interval == timedelta(seconds=30)
    assert "signing secret that can verify deliveries" in caplog.text
    assert (await seam(fake_seam, "/webhooks/list", {}))["webhooks"] == []
    assert len(hass.states.async_all("lock")) == 3


async def test_a_stored_secret_that_cannot_be_decoded_refuses_deliveries_without_a_crash(
    hass: HomeAssistant, svix_fake: FakeSeam, reachable: Post
) -> None:
    entry = entry_for(svix_fake)
    await setup_integration(hass, entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    body = await front_door_unlocked_by_someone_else(svix_fake)
    headers = signed(entry.data[CONF_WEBHOOK_SECRET], body)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_WEBHOOK_SECRET: "fake_secret_0123abcd"}
    )

    response = await reachable(
        f"/api/webhook/{entry.data[CONF_WEBHOOK_ID]}", data=body, headers=headers
    )

    assert response.status == 401
    assert entry.runtime_data.push.rejected == 1
    states = {s.attributes.get("friendly_name"): s.state for s in hass.states.async_all("lock")}
    assert states["Front Door"] == LockState.LOCKED
