"""Push updates: Seam webhooks registered by themselves, verified, applied at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import json
import logging
import time
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.seam.api import (
    SeamWebhookSignatureError,
    client,
    sign_webhook,
    verify_webhook,
)
from custom_components.seam.const import CONF_SEAM_WEBHOOK_ID, CONF_WEBHOOK_SECRET
from homeassistant.components import cloud
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.const import ATTR_ENTITY_ID, CONF_WEBHOOK_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from tests.conftest import Post, setup_integration
from tests.simulator import Fault, Outcome, SeamSimulator, SimDevice

FRONT = "lock.front_door"


@pytest.fixture
async def front_door(simulator: SeamSimulator) -> SimDevice:
    return simulator.add_lock("Front Door", device_id="front_door_id", locked=False)


async def settle(hass: HomeAssistant, simulator: SeamSimulator) -> None:
    """Let the simulator's deliveries arrive and Home Assistant act on them."""
    await simulator.webhooks.settle()
    await hass.async_block_till_done()


def signed(entry: MockConfigEntry, event: Any, **overrides: str) -> dict[str, Any]:
    body = json.dumps(event).encode()
    timestamp = int(time.time())
    headers = {
        "svix-id": "msg_1",
        "svix-timestamp": str(timestamp),
        "svix-signature": sign_webhook(entry.data[CONF_WEBHOOK_SECRET], "msg_1", timestamp, body),
    }
    return {"data": body, "headers": {**headers, **overrides}}


def lock_event(event_id: str = "evt_1", event_type: str = "lock.locked") -> dict[str, Any]:
    return {"event_id": event_id, "event_type": event_type, "device_id": "front_door_id"}


async def test_setup_registers_one_seam_webhook_and_slows_polling(
    hass: HomeAssistant, pushed: MockConfigEntry, simulator: SeamSimulator
) -> None:
    [webhook] = simulator.webhooks.by_id.values()
    assert webhook["url"].endswith(f"/api/webhook/{pushed.data[CONF_WEBHOOK_ID]}")
    assert "lock.unlocked" in webhook["event_types"]
    assert pushed.data[CONF_SEAM_WEBHOOK_ID] == webhook["webhook_id"]
    assert pushed.data[CONF_WEBHOOK_SECRET] == webhook["secret"]
    assert pushed.runtime_data.push.url == webhook["url"]
    assert pushed.runtime_data.coordinator.update_interval == timedelta(minutes=10)


async def test_keypad_unlock_shows_at_once_without_polling(
    hass: HomeAssistant, pushed: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    front_door.locked = True
    simulator.reset_requests()
    simulator.emit("lock.locked", device_id="front_door_id", method="keycode")
    await settle(hass, simulator)
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert simulator.request_count() == 0


async def test_command_is_confirmed_by_push_with_no_polls_while_waiting(
    hass: HomeAssistant, pushed: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    front_door.actuation_delay = 0.3
    simulator.reset_requests()
    await hass.services.async_call(LOCK_DOMAIN, "lock", {ATTR_ENTITY_ID: FRONT}, blocking=True)
    assert hass.states.get(FRONT).state == LockState.LOCKED
    # The pushed outcome ended the wait; one read of the finished attempt checked that the
    # lock confirmed it (the event does not say).
    [read] = [r for r in simulator.requests if r.path == "/action_attempts/get"]
    [command] = [r for r in simulator.requests if r.path == "/locks/lock_door"]
    assert read.at - command.at >= 0.3


async def test_a_pushed_success_the_lock_did_not_confirm_is_not_shown(
    hass: HomeAssistant, pushed: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    front_door.outcome = Outcome(was_confirmed_by_device=False)
    with pytest.raises(HomeAssistantError, match="did not confirm") as caught:
        await hass.services.async_call(LOCK_DOMAIN, "lock", {ATTR_ENTITY_ID: FRONT}, blocking=True)
    assert caught.value.translation_key == "lock_unconfirmed"
    assert hass.states.get(FRONT).state == LockState.UNLOCKED


async def test_pushed_failure_is_reported_with_seams_reason(
    hass: HomeAssistant, pushed: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    front_door.outcome = Outcome(status="error", error_type="lock_jammed", error_message="Jammed")
    simulator.reset_requests()
    with pytest.raises(HomeAssistantError, match="Jammed"):
        await hass.services.async_call(LOCK_DOMAIN, "lock", {ATTR_ENTITY_ID: FRONT}, blocking=True)
    # The failure event carries no reason: exactly one read fetched it.
    assert simulator.request_count("/action_attempts/get") == 1
    assert hass.states.get(FRONT).state == LockState.UNLOCKED


async def test_disconnect_and_reconnect_change_availability(
    hass: HomeAssistant, pushed: MockConfigEntry, simulator: SeamSimulator
) -> None:
    simulator.emit("device.disconnected", device_id="front_door_id", error_code="device_offline")
    await settle(hass, simulator)
    assert hass.states.get(FRONT).state == STATE_UNAVAILABLE
    simulator.emit("device.connected", device_id="front_door_id")
    await settle(hass, simulator)
    assert hass.states.get(FRONT).state == LockState.UNLOCKED


async def test_battery_events_update_the_battery(
    hass: HomeAssistant, pushed: MockConfigEntry, simulator: SeamSimulator
) -> None:
    simulator.emit("device.low_battery", device_id="front_door_id", battery_level=0.12)
    await settle(hass, simulator)
    assert pushed.runtime_data.locks.by_id[
        "front_door_id"
    ].state.device.battery_level == pytest.approx(0.12)
    simulator.emit(
        "device.battery_status_changed",
        device_id="front_door_id",
        battery_level=0.05,
        battery_status="critical",
    )
    await settle(hass, simulator)
    device = pushed.runtime_data.locks.by_id["front_door_id"].state.device
    assert (device.battery_level, device.battery_status) == (pytest.approx(0.05), "critical")


@pytest.mark.parametrize(
    "event_type", ["device.added", "device.name_changed", "connected_account.disconnected"]
)
async def test_workspace_events_refresh_the_device_list(
    hass: HomeAssistant, pushed: MockConfigEntry, simulator: SeamSimulator, event_type: str
) -> None:
    simulator.add_lock("Garage", device_id="garage_id", locked=True)
    simulator.emit(event_type, device_id="garage_id")
    await settle(hass, simulator)
    assert hass.states.get("lock.garage").state == LockState.LOCKED


async def test_removed_device_leaves_on_push(
    hass: HomeAssistant, pushed: MockConfigEntry, simulator: SeamSimulator
) -> None:
    simulator.remove_device("front_door_id")
    simulator.emit("device.removed", device_id="front_door_id")
    await settle(hass, simulator)
    state = hass.states.get(FRONT)
    assert state is None or state.state == STATE_UNAVAILABLE


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"svix-signature": "v1,AAAA"}, "forged"),
        ({"svix-timestamp": str(int(time.time()) - 600)}, "stale"),
        ({"svix-timestamp": str(int(time.time()) + 600)}, "from the future"),
        ({"svix-id": "msg_other"}, "signed for another message"),
    ],
    ids=["forged", "stale", "future", "other-id"],
)
async def test_bad_delivery_is_refused_and_changes_nothing(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    reachable: Post,
    overrides: dict[str, str],
    why: str,
) -> None:
    path = f"/api/webhook/{pushed.data[CONF_WEBHOOK_ID]}"
    response = await reachable(path, **signed(pushed, lock_event(), **overrides))
    assert response.status == 401, why
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert pushed.runtime_data.push.rejected == 1


async def test_unsigned_delivery_is_refused(
    hass: HomeAssistant, pushed: MockConfigEntry, reachable: Post
) -> None:
    path = f"/api/webhook/{pushed.data[CONF_WEBHOOK_ID]}"
    response = await reachable(path, data=json.dumps(lock_event()).encode())
    assert response.status == 401
    assert hass.states.get(FRONT).state == LockState.UNLOCKED


async def test_replayed_event_is_ignored(
    hass: HomeAssistant, pushed: MockConfigEntry, reachable: Post
) -> None:
    path = f"/api/webhook/{pushed.data[CONF_WEBHOOK_ID]}"
    assert (await reachable(path, **signed(pushed, lock_event("evt_9")))).status == 200
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.LOCKED
    # The lock is unlocked by a command; an old "locked" delivered again must not undo it.
    await hass.services.async_call(LOCK_DOMAIN, "unlock", {ATTR_ENTITY_ID: FRONT}, blocking=True)
    assert (await reachable(path, **signed(pushed, lock_event("evt_9")))).status == 200
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.UNLOCKED


async def test_one_valid_signature_among_several_is_enough(
    hass: HomeAssistant, pushed: MockConfigEntry, reachable: Post
) -> None:
    delivery = signed(pushed, lock_event())
    delivery["headers"]["svix-signature"] = (
        "v1,bm90IHRoaXMgb25l " + (delivery["headers"]["svix-signature"])
    )
    path = f"/api/webhook/{pushed.data[CONF_WEBHOOK_ID]}"
    assert (await reachable(path, **delivery)).status == 200
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.LOCKED


async def test_without_a_reachable_url_it_says_so_once_and_polls(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    await setup_integration(hass, config_entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.webhooks.by_id == {}
    assert config_entry.runtime_data.coordinator.update_interval == timedelta(seconds=30)
    assert caplog.text.count("no URL that Seam can reach") == 1


async def test_restarts_never_pile_up_webhooks(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    reachable: Post,
) -> None:
    await setup_integration(hass, config_entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    [first] = simulator.webhooks.by_id
    # A crash leaves the webhook behind (no unload), plus an older one to the same URL.
    url = simulator.webhooks.by_id[first]["url"]
    simulator.webhooks.create({"url": url, "event_types": ["*"]})
    await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(simulator.webhooks.by_id) == 1
    [webhook] = simulator.webhooks.by_id.values()
    assert config_entry.data[CONF_SEAM_WEBHOOK_ID] == webhook["webhook_id"]
    simulator.emit("lock.locked", device_id="front_door_id")
    await settle(hass, simulator)
    assert hass.states.get(FRONT).state == LockState.LOCKED


def test_signature_rules() -> None:
    secret = "whsec_" + "c2VjcmV0LWJ5dGVzLWZvci10ZXN0cw=="
    body = b'{"event_id":"e"}'
    now = 1_700_000_000
    headers = {
        "svix-id": "m",
        "svix-timestamp": str(now),
        "svix-signature": sign_webhook(secret, "m", now, body),
    }
    verify_webhook(secret, headers, body, now=now + 299)
    with pytest.raises(SeamWebhookSignatureError, match="tolerance"):
        verify_webhook(secret, headers, body, now=now + 301)
    with pytest.raises(SeamWebhookSignatureError, match="No valid"):
        verify_webhook(secret, headers, body + b" ", now=now)
    with pytest.raises(SeamWebhookSignatureError, match="No secret"):
        verify_webhook("", headers, body, now=now)
    with pytest.raises(SeamWebhookSignatureError, match="Malformed"):
        verify_webhook(secret, {**headers, "svix-timestamp": "soon"}, body, now=now)
    # Seam's fake server hands out secrets that are not base64: nothing verifies with them.
    for unusable in ("fake_secret_0123abcd", "whsec_", "whsec_not base64!"):
        with pytest.raises(SeamWebhookSignatureError, match="secret"):
            verify_webhook(unusable, headers, body, now=now)


async def test_keypad_unlock_names_the_guests_code(
    hass: HomeAssistant, pushed: MockConfigEntry, simulator: SeamSimulator, front_door: SimDevice
) -> None:
    front_door.locked = True
    created = simulator.access_codes.create(
        {"device_id": "front_door_id", "name": "Guest Anna", "code": "4829"}
    )
    code_id = created["access_code"]["access_code_id"]
    simulator.emit(
        "lock.unlocked", device_id="front_door_id", method="keycode", access_code_id=code_id
    )
    await settle(hass, simulator)
    activity = hass.states.get("event.front_door_activity")
    assert activity is not None
    assert activity.attributes["event_type"] == "unlocked"
    assert activity.attributes["method"] == "keycode"
    assert activity.attributes["access_code_name"] == "Guest Anna"
    assert hass.states.get(FRONT).state == LockState.UNLOCKED


async def test_with_home_assistant_cloud_seam_pushes_to_the_cloudhook(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    reachable: Post,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Home Assistant Cloud connected: Seam is given the cloudhook, not the external URL."""
    made: list[str] = []

    async def cloudhook(hass: HomeAssistant, webhook_id: str) -> str:
        made.append(webhook_id)
        return f"https://hooks.cloud.invalid/{webhook_id}"

    hass.config.components.add("cloud")
    monkeypatch.setattr(cloud, "async_active_subscription", lambda hass: True)
    monkeypatch.setattr(cloud, "async_is_connected", lambda hass: True)
    monkeypatch.setattr(cloud, "async_get_or_create_cloudhook", cloudhook)

    await setup_integration(hass, config_entry)
    await hass.async_block_till_done(wait_background_tasks=True)

    [webhook] = simulator.webhooks.by_id.values()
    assert made == [config_entry.data[CONF_WEBHOOK_ID]]
    assert webhook["url"] == f"https://hooks.cloud.invalid/{made[0]}"
    assert config_entry.runtime_data.coordinator.update_interval == timedelta(minutes=10)


async def test_a_seam_webhook_without_a_secret_is_not_trusted(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    reachable: Post,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Without a secret no delivery could be verified: poll, and say why."""
    simulator.inject(
        "/webhooks/create",
        Fault(status=200, body=b'{"ok": true, "webhook": {"webhook_id": "wh_1", "url": "x"}}'),
    )
    caplog.set_level(logging.WARNING)

    await setup_integration(hass, config_entry)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert config_entry.runtime_data.push.url is None
    assert config_entry.runtime_data.coordinator.update_interval == timedelta(seconds=30)
    assert "without a signing secret" in caplog.text
    assert CONF_WEBHOOK_SECRET not in config_entry.data


async def test_a_delivery_in_an_envelope_is_applied(
    hass: HomeAssistant, pushed: MockConfigEntry, reachable: Post
) -> None:
    path = f"/api/webhook/{pushed.data[CONF_WEBHOOK_ID]}"
    response = await reachable(path, **signed(pushed, {"event": lock_event()}))
    assert response.status == 200
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.LOCKED


async def test_a_signed_delivery_that_is_not_an_event_changes_nothing(
    hass: HomeAssistant, pushed: MockConfigEntry, reachable: Post
) -> None:
    path = f"/api/webhook/{pushed.data[CONF_WEBHOOK_ID]}"
    response = await reachable(path, **signed(pushed, ["lock.locked"]))
    assert response.status == 400
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert pushed.runtime_data.push.deliveries == 0


async def test_an_outcome_pushed_before_seams_answer_still_confirms_the_command(
    hass: HomeAssistant,
    pushed: MockConfigEntry,
    simulator: SeamSimulator,
    front_door: SimDevice,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fast lock's success event can arrive before Seam has answered the lock request."""
    # No safety-net poll for an hour: only the early outcome can end this command.
    monkeypatch.setattr(client, "PUSHED_FIRST_POLL", 3600.0)
    front_door.actuation_delay = 0.05
    simulator.inject("/locks/lock_door", Fault(delay_after=0.5))
    simulator.reset_requests()
    async with asyncio.timeout(20):
        await hass.services.async_call(LOCK_DOMAIN, "lock", {ATTR_ENTITY_ID: FRONT}, blocking=True)
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert simulator.request_count("/action_attempts/get") == 1  # the finished attempt's details


@pytest.mark.parametrize(
    "event",
    [
        {"event_type": "lock.locked", "device_id": "a_thermostat_or_a_stranger"},
        {"event_type": "lock.locked"},
        {"event_type": "device.tampered", "device_id": "front_door_id"},
        {"event_type": "action_attempt.lock_door.succeeded"},
        {"event_type": "device.low_battery", "device_id": "front_door_id"},
    ],
    ids=["unknown-device", "no-device", "unhandled-type", "attempt-without-id", "no-level"],
)
async def test_events_that_do_not_concern_a_known_lock_change_nothing(
    hass: HomeAssistant, pushed: MockConfigEntry, reachable: Post, event: dict[str, Any]
) -> None:
    before = pushed.runtime_data.locks.by_id["front_door_id"].state.device
    path = f"/api/webhook/{pushed.data[CONF_WEBHOOK_ID]}"
    response = await reachable(path, **signed(pushed, {"event_id": "evt_x", **event}))
    assert response.status == 200
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert pushed.runtime_data.locks.by_id["front_door_id"].state.device == before


async def test_access_denied_is_activity_and_leaves_the_lock_as_it_was(
    hass: HomeAssistant, pushed: MockConfigEntry, simulator: SeamSimulator
) -> None:
    simulator.emit("lock.access_denied", device_id="front_door_id", method="keycode")
    await settle(hass, simulator)
    activity = hass.states.get("event.front_door_activity")
    assert activity is not None
    assert activity.attributes["event_type"] == "access_denied"
    assert hass.states.get(FRONT).state == LockState.UNLOCKED


async def test_a_guests_code_is_looked_up_once_and_a_failed_lookup_leaves_it_unnamed(
    hass: HomeAssistant, pushed: MockConfigEntry, simulator: SeamSimulator
) -> None:
    created = simulator.access_codes.create(
        {"device_id": "front_door_id", "name": "Guest Anna", "code": "4829"}
    )
    anna = created["access_code"]["access_code_id"]
    for event_type in ("lock.unlocked", "lock.locked", "lock.unlocked"):
        simulator.emit(event_type, device_id="front_door_id", method="keycode", access_code_id=anna)
        await settle(hass, simulator)
        assert hass.states.get("event.front_door_activity").attributes["access_code_name"] == (
            "Guest Anna"
        )
    assert simulator.request_count("/access_codes/list") == 1

    simulator.inject("/access_codes/list", *[Fault(status=503, body=b"")] * 4)
    simulator.emit(
        "lock.unlocked", device_id="front_door_id", method="keycode", access_code_id="code_new"
    )
    await settle(hass, simulator)
    activity = hass.states.get("event.front_door_activity")
    assert activity.attributes["method"] == "keycode"
    assert activity.attributes.get("access_code_name") is None
    assert hass.states.get(FRONT).state == LockState.UNLOCKED


# Event types the fake (and an older Seam) knows: none of the newer ones this integration handles.
OLDER_EVENT_TYPES = frozenset(
    {
        "lock.locked",
        "lock.unlocked",
        "device.connected",
        "device.disconnected",
        "device.low_battery",
        "device.battery_status_changed",
        "device.removed",
        "device.deleted",
        "connected_account.connected",
        "connected_account.disconnected",
        "thermostat.manually_adjusted",
    }
)


async def test_a_seam_that_refuses_an_event_type_still_pushes_everything(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    reachable: Post,
    caplog: pytest.LogCaptureFixture,
) -> None:
    simulator.webhooks.known_event_types = OLDER_EVENT_TYPES
    caplog.set_level(logging.WARNING)
    await setup_integration(hass, config_entry)
    await hass.async_block_till_done(wait_background_tasks=True)

    [webhook] = simulator.webhooks.by_id.values()
    assert webhook["event_types"] == ["*"]
    assert config_entry.runtime_data.push.url == webhook["url"]
    assert caplog.text == ""
    # Every event now arrives; one nobody handles changes nothing, a handled one applies.
    simulator.emit("thermostat.manually_adjusted", device_id="front_door_id")
    front_door.locked = True
    simulator.emit("lock.locked", device_id="front_door_id", method="keycode")
    await settle(hass, simulator)
    assert [status for _, status in simulator.webhooks.delivered] == [200, 200]
    assert hass.states.get(FRONT).state == LockState.LOCKED


async def test_a_secret_that_cannot_verify_deliveries_is_refused_and_removed(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    reachable: Post,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Seam's fake hands out `fake_secret_<hex>`: no delivery could be verified with it."""
    simulator.webhooks.svix_secrets = False
    caplog.set_level(logging.WARNING)
    await setup_integration(hass, config_entry)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert config_entry.runtime_data.push.url is None
    assert simulator.webhooks.by_id == {}
    assert simulator.request_count("/webhooks/delete") == 1
    assert caplog.text.count("polling instead") == 1
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    # Restarted with a Seam that hands out Svix secrets again, push starts.
    simulator.webhooks.svix_secrets = True
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert config_entry.runtime_data.push.url is not None


async def test_a_rotated_secret_is_taken_from_seam_on_restart(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    front_door: SimDevice,
    reachable: Post,
) -> None:
    """Home Assistant stopped without unloading; Seam's webhook has a new secret since."""
    url = f"{hass.config.external_url}/api/webhook/hook_1"
    webhook = simulator.webhooks.create({"url": url, "event_types": ["*"]})["webhook"]
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry,
        data={
            **config_entry.data,
            CONF_WEBHOOK_ID: "hook_1",
            CONF_SEAM_WEBHOOK_ID: webhook["webhook_id"],
            CONF_WEBHOOK_SECRET: "whsec_" + "B" * 32,
        },
    )
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert list(simulator.webhooks.by_id) == [webhook["webhook_id"]]  # reused, not recreated
    assert config_entry.data[CONF_WEBHOOK_SECRET] == webhook["secret"]
    simulator.emit("lock.locked", device_id="front_door_id", method="manual")
    await settle(hass, simulator)
    assert hass.states.get(FRONT).state == LockState.LOCKED
