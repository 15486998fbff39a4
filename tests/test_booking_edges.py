"""Booking codes at the edges a review found: the departure day, a booking moved far ahead, a
reload with an issue open, misses in a burst, a lock taken off the calendar, a lock's limit
with stays that do not overlap each other, and a host told only once every lock has the code.

The real Home Assistant, its local calendar, and the Seam simulator over HTTP.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.seam.booking_codes import MISSING_READS
from custom_components.seam.booking_settings import CONF_LOCKS, CONF_NOTIFY
from homeassistant.core import HomeAssistant
from tests.booking_helpers import (
    BACK,
    FRONT,
    add_booking,
    add_booking_calendar,
    add_local_calendar,
    booking_calendar,
    calendar_entity,
    codes_on,
    in_days,
    issues,
    reconcile,
    reconfigure_booking_calendar,
)
from tests.conftest import setup_integration
from tests.simulator import Fault, SeamSimulator


async def test_the_guest_keeps_the_code_on_the_morning_they_leave(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    # An all-day stay whose last night was last night: its event ended at midnight, its
    # check-out (here 23:59:59) is later today. Another booking keeps the reads non-empty.
    await add_booking(hass, "Ana Silva", in_days(-2), in_days(0))
    await add_booking(hass, "Ben Okafor", in_days(3), in_days(5))
    sub = await add_booking_calendar(hass, rental, [FRONT], check_out="23:59:59")
    for _ in range(MISSING_READS + 1):
        await reconcile(hass, rental, sub)
    assert sorted(c.name.split()[0] for c in codes_on(simulator, FRONT)) == ["Ana", "Ben"]
    (ana,) = [r for r in booking_calendar(rental, sub).records.values() if r.guest == "Ana Silva"]
    assert ana.missing == 0


async def test_a_booking_moved_past_the_look_ahead_keeps_its_code_and_pin(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    uid = await add_booking(hass, "Ana Silva", in_days(3), in_days(5))
    await add_booking(hass, "Ben Okafor", in_days(1), in_days(2))
    sub = await add_booking_calendar(hass, rental, [FRONT])
    (code,) = [c for c in codes_on(simulator, FRONT) if c.name.startswith("Ana")]

    await calendar_entity(hass).async_update_event(
        uid, {"summary": "Ana Silva", "dtstart": in_days(40), "dtend": in_days(42)}
    )
    for _ in range(MISSING_READS + 1):
        await reconcile(hass, rental, sub)
    (moved,) = [c for c in codes_on(simulator, FRONT) if c.name.startswith("Ana")]
    assert (moved.access_code_id, moved.code) == (code.access_code_id, code.code)
    assert moved.name == f"Ana Silva {in_days(40)}"
    # A booking first seen beyond the look-ahead gets nothing yet.
    await add_booking(hass, "Chloe Martin", in_days(30), in_days(32))
    await reconcile(hass, rental, sub)
    assert not [c for c in codes_on(simulator, FRONT) if c.name.startswith("Chloe")]


async def test_an_issue_raised_before_a_reload_clears_once_resolved(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    sub = await add_booking_calendar(hass, rental, [FRONT])
    (code,) = codes_on(simulator, FRONT)
    code.errors.append({"error_code": "failed_to_set_on_device", "message": "No"})
    await reconcile(hass, rental, sub)
    assert len(issues(hass, "booking_code_failed")) == 1

    # Seam sets the code, and the entry reloads (another calendar added, say) before a check.
    code.errors.clear()
    assert await hass.config_entries.async_reload(rental.entry_id)
    await reconcile(hass, rental, sub)
    assert not issues(hass, "booking_code_failed")


@pytest.mark.real_waits
async def test_misses_in_a_burst_count_once(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    uid = await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    await add_booking(hass, "Ben Okafor", in_days(4), in_days(6))
    sub = await add_booking_calendar(hass, rental, [FRONT])
    await calendar_entity(hass).async_delete_event(uid)
    (ana,) = [r for r in booking_calendar(rental, sub).records.values() if r.guest == "Ana Silva"]
    for _ in range(MISSING_READS + 2):
        await reconcile(hass, rental, sub)
    # Five reads within a second: one miss. The code waits for reads minutes apart.
    assert ana.missing == 1
    assert len(codes_on(simulator, FRONT)) == 2


async def test_a_feed_left_with_only_blocked_dates_still_cancels_the_last_booking(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    # A booking site's feed always has its blocked dates: it is not empty when the last
    # booking is cancelled, and that booking's code must not stay usable for the stay.
    uid = await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    await add_booking(hass, "Airbnb (Not available)", in_days(5), in_days(9))
    sub = await add_booking_calendar(hass, rental, [FRONT])
    assert len(codes_on(simulator, FRONT)) == 1
    await calendar_entity(hass).async_delete_event(uid)
    for _ in range(MISSING_READS):
        await reconcile(hass, rental, sub)
    assert codes_on(simulator, FRONT) == []


@pytest.mark.real_waits
async def test_misses_minutes_apart_delete_at_the_third(
    hass: HomeAssistant,
    rental: MockConfigEntry,
    simulator: SeamSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    uid = await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    await add_booking(hass, "Ben Okafor", in_days(4), in_days(6))
    sub = await add_booking_calendar(hass, rental, [FRONT])
    (ana,) = [r for r in booking_calendar(rental, sub).records.values() if r.guest == "Ana Silva"]
    await calendar_entity(hass).async_delete_event(uid)
    await hass.async_block_till_done(wait_background_tasks=True)  # the change's own read
    while ana.missing < MISSING_READS:
        missing = ana.missing
        assert any(c.name.startswith("Ana") for c in codes_on(simulator, FRONT))
        freezer.tick(timedelta(minutes=10))
        await reconcile(hass, rental, sub)
        assert ana.missing == missing + 1  # one miss per read, 10 minutes apart
    assert not any(c.name.startswith("Ana") for c in codes_on(simulator, FRONT))


async def test_the_host_waits_for_a_lock_that_could_not_be_read(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    phone = async_mock_service(hass, "notify", "host_phone")
    await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    simulator.access_codes.unlistable.add(BACK)  # its codes cannot be listed for now
    sub = await add_booking_calendar(
        hass, rental, [FRONT, BACK], **{CONF_NOTIFY: "notify.host_phone"}
    )
    assert len(codes_on(simulator, FRONT)) == 1
    assert phone == []
    simulator.access_codes.unlistable.clear()
    await reconcile(hass, rental, sub)
    assert len(phone) == 1
    assert "Back Door, Front Door" in phone[0].data["message"]


async def test_a_calendar_gone_can_still_be_reconfigured(
    hass: HomeAssistant, rental: MockConfigEntry
) -> None:
    sub = await add_booking_calendar(hass, rental, [FRONT, BACK])
    calendar_entry = hass.config_entries.async_entries("local_calendar")[0]
    await hass.config_entries.async_remove(calendar_entry.entry_id)
    await hass.async_block_till_done()
    result = await reconfigure_booking_calendar(hass, rental, sub, [FRONT])
    assert result["reason"] == "reconfigure_successful"
    assert rental.subentries[sub].title == "Rental"
    assert rental.subentries[sub].data[CONF_LOCKS] == [FRONT]


async def test_a_lock_taken_off_the_calendar_loses_its_booking_codes(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    simulator.add_lock("Garage", device_id="garage_id")
    await rental.runtime_data.coordinator.async_refresh()
    # Someone else's code on the back door stays whatever happens.
    await rental.runtime_data.client.create_access_code(BACK, name="Cleaner", code="482915")
    await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    sub = await add_booking_calendar(hass, rental, [FRONT, BACK])
    assert len(codes_on(simulator, BACK)) == 2

    result = await reconfigure_booking_calendar(hass, rental, sub, [FRONT])
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    await reconcile(hass, rental, sub)
    assert [c.name for c in codes_on(simulator, BACK)] == ["Cleaner"]
    assert len(codes_on(simulator, FRONT)) == 1
    (record,) = booking_calendar(rental, sub).records.values()
    assert set(record.codes) == {FRONT}


async def test_the_limit_counts_codes_valid_at_the_same_moment(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry, tmp_path: Path
) -> None:
    simulator.add_lock("Front Door", device_id=FRONT, properties={"max_active_codes_supported": 2})
    await setup_integration(hass, config_entry)
    await add_local_calendar(hass, tmp_path)
    await add_booking(hass, "Ben Okafor", in_days(2), in_days(3))
    await add_booking(hass, "Chloe Martin", in_days(5), in_days(6))
    sub = await add_booking_calendar(hass, config_entry, [FRONT])
    # A long stay around both: never more than 2 codes valid at once.
    await add_booking(hass, "Ana Silva", in_days(1), in_days(10))
    await reconcile(hass, config_entry, sub)
    assert sorted(c.name.split()[0] for c in codes_on(simulator, FRONT)) == ["Ana", "Ben", "Chloe"]
    assert not issues(hass, "booking_code_no_room")
    # A fourth, overlapping Ana and Ben at once: no room.
    await add_booking(hass, "Dan Lee", in_days(2), in_days(3))
    await reconcile(hass, config_entry, sub)
    assert len(codes_on(simulator, FRONT)) == 3
    assert len(issues(hass, "booking_code_no_room")) == 1


async def test_the_host_is_told_once_every_lock_has_the_code(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    phone = async_mock_service(hass, "notify", "host_phone")
    await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    # The back door's create hits Seam's rate limit (the front door's goes first).
    simulator.inject("/access_codes/create", Fault(), Fault(status=429, retry_after=1))
    await add_booking_calendar(hass, rental, [FRONT, BACK], **{CONF_NOTIFY: "notify.host_phone"})
    assert len(codes_on(simulator, FRONT)) == 1
    assert codes_on(simulator, BACK) == []
    assert phone == []

    sub = next(iter(rental.subentries))
    await reconcile(hass, rental, sub)
    assert len(phone) == 1
    assert "Back Door, Front Door" in phone[0].data["message"]
