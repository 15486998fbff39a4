"""Booking codes when things go wrong: Seam refuses, a lock is offline or unread, a check is
cut short by an unload, asked for many times at once, or due on its timer.

The real Home Assistant, its local calendar, and the Seam simulator over HTTP.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.seam import booking_codes
from custom_components.seam.booking_codes import MISSING_READS, RECONCILE_INTERVAL
from custom_components.seam.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
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
    until,
    writes,
)
from tests.conftest import setup_integration
from tests.simulator import Fault, SeamSimulator


async def test_a_refusal_is_a_repair_issue_and_is_tried_again(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    simulator.inject(
        "/access_codes/create",
        Fault(status=400, error_type="invalid_input", message="Lock rejected 123456 today"),
    )
    sub = await add_booking_calendar(hass, rental, [FRONT])
    (issue,) = issues(hass, "booking_code_refused")
    placeholders = issue.translation_placeholders or {}
    assert placeholders["booking"] == f"Ana Silva {in_days(1)}"
    assert "Lock rejected" in placeholders["reason"]
    assert codes_on(simulator, FRONT) == []

    await reconcile(hass, rental, sub)
    assert len(codes_on(simulator, FRONT)) == 1
    assert not issues(hass, "booking_code_refused")


async def test_a_changed_window_that_seam_refuses_is_an_issue(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    uid = await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    sub = await add_booking_calendar(hass, rental, [FRONT])
    (code,) = codes_on(simulator, FRONT)
    simulator.inject("/access_codes/update", Fault(status=500))
    await calendar_entity(hass).async_update_event(
        uid, {"summary": "Ana Silva", "dtstart": in_days(2), "dtend": in_days(3)}
    )
    await reconcile(hass, rental, sub)
    # The update fails on a server error (never retried: not known to be safe to repeat).
    if issues(hass, "booking_code_refused"):
        await reconcile(hass, rental, sub)
    assert not issues(hass, "booking_code_refused")
    (moved,) = codes_on(simulator, FRONT)
    assert moved.access_code_id == code.access_code_id
    assert moved.name == f"Ana Silva {in_days(2)}"


async def test_a_rate_limited_lock_waits_for_the_next_round_for_updates_too(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    first = await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    second = await add_booking(hass, "Ben Okafor", in_days(4), in_days(6))
    sub = await add_booking_calendar(hass, rental, [FRONT])
    entity = calendar_entity(hass)
    await entity.async_update_event(
        first, {"summary": "Ana Silva", "dtstart": in_days(1), "dtend": in_days(2)}
    )
    await entity.async_update_event(
        second, {"summary": "Ben Okafor", "dtstart": in_days(5), "dtend": in_days(6)}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.reset_requests()
    simulator.inject("/access_codes/update", Fault(status=429, retry_after=1))
    calendar = booking_calendar(rental, sub)
    await calendar.async_reconcile()
    # The first update hit the limit; the second was not even tried, and a retry is due soon.
    assert simulator.request_count("/access_codes/update") == 1
    assert calendar._retry is not None
    await reconcile(hass, rental, sub)
    assert sorted(c.name for c in codes_on(simulator, FRONT)) == [
        f"Ana Silva {in_days(1)}",
        f"Ben Okafor {in_days(5)}",
    ]
    assert calendar._retry is None


async def test_a_lock_that_cannot_take_codes_now_waits_with_an_issue(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    simulator.devices[BACK].online = False
    await rental.runtime_data.coordinator.async_refresh()
    await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    sub = await add_booking_calendar(hass, rental, [FRONT, BACK])
    assert len(codes_on(simulator, FRONT)) == 1
    assert codes_on(simulator, BACK) == []
    (issue,) = issues(hass, "booking_code_lock_cannot")
    assert (issue.translation_placeholders or {})["lock"] == "Back Door"

    simulator.devices[BACK].online = True
    await rental.runtime_data.coordinator.async_refresh()
    await reconcile(hass, rental, sub)
    assert [c.code for c in codes_on(simulator, BACK)] == [
        c.code for c in codes_on(simulator, FRONT)
    ]
    assert not issues(hass, "booking_code_lock_cannot")


async def test_locks_with_no_code_in_common_get_an_issue_not_a_guess(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry, tmp_path: Path
) -> None:
    simulator.add_lock("Front Door", device_id=FRONT, properties={"supported_code_lengths": [4]})
    simulator.add_lock("Back Door", device_id=BACK, properties={"supported_code_lengths": [6]})
    await setup_integration(hass, config_entry)
    await add_local_calendar(hass, tmp_path)
    await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    await add_booking_calendar(hass, config_entry, [FRONT, BACK])
    assert codes_on(simulator, FRONT) == codes_on(simulator, BACK) == []
    assert len(issues(hass, "booking_code_no_pin")) == 2


async def test_a_lock_taking_only_future_starts_gets_one_a_minute_ahead(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry, tmp_path: Path
) -> None:
    simulator.add_lock(
        "Front Door",
        device_id=FRONT,
        properties={"code_constraints": [{"constraint_type": "start_date_in_future"}]},
    )
    await setup_integration(hass, config_entry)
    await add_local_calendar(hass, tmp_path)
    now = dt_util.now()
    await add_booking(hass, "Ana Silva", now - timedelta(hours=2), now + timedelta(days=1))
    before = dt_util.utcnow()
    sub = await add_booking_calendar(hass, config_entry, [FRONT])
    (code,) = codes_on(simulator, FRONT)
    assert code.starts_at is not None
    assert code.starts_at > before
    # Its past start is no change: the next check writes nothing.
    count = writes(simulator)
    await reconcile(hass, config_entry, sub)
    assert writes(simulator) == count


async def test_delays_seam_reports_are_a_warning_issue(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    sub = await add_booking_calendar(hass, rental, [FRONT])
    (code,) = codes_on(simulator, FRONT)
    code.warnings.append({"warning_code": "delay_in_setting_on_device", "message": "Slow hub"})
    await reconcile(hass, rental, sub)
    (issue,) = issues(hass, "booking_code_delayed")
    assert issue.severity is ir.IssueSeverity.WARNING
    assert hass.states.get("sensor.rental_door_codes").state == "scheduled"  # type: ignore[union-attr]
    code.warnings.clear()
    await reconcile(hass, rental, sub)
    assert not issues(hass, "booking_code_delayed")


async def test_an_unread_lock_keeps_its_issues_and_its_codes(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    uid = await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    await add_booking(hass, "Ben Okafor", in_days(5), in_days(7))
    sub = await add_booking_calendar(hass, rental, [FRONT, BACK])
    (code,) = [c for c in codes_on(simulator, BACK) if c.name.startswith("Ana")]
    code.errors.append({"error_code": "failed_to_set_on_device", "message": "No"})
    await reconcile(hass, rental, sub)
    assert len(issues(hass, "booking_code_failed")) == 1

    # Ana cancels; the back door's codes cannot be listed (Seam answers 404 for it for now).
    await calendar_entity(hass).async_delete_event(uid)
    back = simulator.devices.pop(BACK)
    for _ in range(MISSING_READS + 1):
        await reconcile(hass, rental, sub)
    simulator.devices[BACK] = back
    # Gone from the front door; the back door, never read, kept its code and its issue.
    assert [c.name[:3] for c in codes_on(simulator, FRONT)] == ["Ben"]
    assert "Ana" in {c.name[:3] for c in codes_on(simulator, BACK)}
    assert len(issues(hass, "booking_code_failed")) == 1
    assert booking_calendar(rental, sub).records  # Ana's record waits for the back door

    await reconcile(hass, rental, sub)
    assert [c.name[:3] for c in codes_on(simulator, BACK)] == ["Ben"]
    assert not issues(hass, "booking_code_failed")
    assert all(r.guest != "Ana Silva" for r in booking_calendar(rental, sub).records.values())


async def test_a_failed_delete_is_tried_again(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    uid = await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    await add_booking(hass, "Ben Okafor", in_days(5), in_days(7))
    sub = await add_booking_calendar(hass, rental, [FRONT])
    await calendar_entity(hass).async_delete_event(uid)
    await hass.async_block_till_done(wait_background_tasks=True)
    record = next(
        r for r in booking_calendar(rental, sub).records.values() if r.guest == "Ana Silva"
    )
    while record.missing < MISSING_READS - 1:
        await reconcile(hass, rental, sub)
    simulator.inject("/access_codes/delete", Fault(status=500))
    await reconcile(hass, rental, sub)
    assert len(codes_on(simulator, FRONT)) == 2
    await reconcile(hass, rental, sub)
    assert [c.name[:3] for c in codes_on(simulator, FRONT)] == ["Ben"]


async def test_a_lock_removed_from_seam_is_left_out(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    sub = await add_booking_calendar(hass, rental, [FRONT, BACK])
    simulator.remove_device(BACK)
    await rental.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.reset_requests()
    await reconcile(hass, rental, sub)
    assert simulator.request_count("/access_codes/list") == 1
    assert writes(simulator) == 0
    attributes = hass.states.get("sensor.rental_door_codes").attributes  # type: ignore[union-attr]
    assert attributes["bookings"][0]["codes"] == {"Front Door": "scheduled"}
    # Its code went with it: the booking, cancelled, is forgotten once the front door's goes.
    (record,) = booking_calendar(rental, sub).records.values()
    assert set(record.codes) == {FRONT}
    await add_booking(hass, "Ben Okafor", in_days(5), in_days(7))
    await calendar_entity(hass).async_delete_event(
        next(u for u, r in booking_calendar(rental, sub).records.items() if r.guest == "Ana Silva")
    )
    for _ in range(MISSING_READS):
        await reconcile(hass, rental, sub)
    assert [r.guest for r in booking_calendar(rental, sub).records.values()] == ["Ben Okafor"]


async def test_a_booking_over_is_forgotten_without_a_write(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    now = dt_util.now()
    await add_booking(hass, "Ana Silva", now - timedelta(days=1), now + timedelta(seconds=2))
    sub = await add_booking_calendar(hass, rental, [FRONT])
    assert len(booking_calendar(rental, sub).records) == 1
    await asyncio.sleep(2.1)
    count = writes(simulator)
    await reconcile(hass, rental, sub)
    # Seam removed the code at its end; Home Assistant forgets the booking.
    assert booking_calendar(rental, sub).records == {}
    assert codes_on(simulator, FRONT) == []
    assert writes(simulator) == count
    assert hass.states.get("sensor.rental_door_codes").state == "idle"  # type: ignore[union-attr]


async def test_many_requests_at_once_make_at_most_two_checks(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    sub = await add_booking_calendar(hass, rental, [FRONT])
    simulator.reset_requests()
    calendar = booking_calendar(rental, sub)
    await asyncio.gather(*(calendar.async_reconcile() for _ in range(5)))
    assert simulator.request_count("/access_codes/list") == 2
    assert writes(simulator) == 0


async def test_the_calendar_is_checked_every_ten_minutes(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    sub = await add_booking_calendar(hass, rental, [FRONT])
    simulator.reset_requests()
    async_fire_time_changed(hass, dt_util.utcnow() + RECONCILE_INTERVAL + timedelta(seconds=1))
    await hass.async_block_till_done(wait_background_tasks=True)
    # The calendar is empty: it was read, the lock's codes listed, nothing written.
    assert simulator.request_count("/access_codes/list") == 1
    assert writes(simulator) == 0
    assert booking_calendar(rental, sub).status.last_reconcile is not None


async def test_an_unload_mid_check_cuts_it_short_and_the_next_start_finishes_it(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    sub = await add_booking_calendar(hass, rental, [FRONT, BACK])
    # Seam is slow to answer the creates: the check is under way when the entry unloads.
    simulator.inject("/access_codes/create", Fault(delay=1.0), Fault(delay=1.0))
    await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    await until(lambda: simulator.request_count("/access_codes/create") > 0)
    assert await hass.config_entries.async_unload(rental.entry_id)
    assert codes_on(simulator, FRONT) == []

    # A delayed answer lands after the unload: Seam made the code, nobody recorded it.
    await asyncio.sleep(1.2)
    made = len(codes_on(simulator, FRONT))
    assert await hass.config_entries.async_setup(rental.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await reconcile(hass, rental, sub)
    front, back = codes_on(simulator, FRONT), codes_on(simulator, BACK)
    assert len(front) == len(back) == 1
    assert front[0].code == back[0].code
    assert made in (0, 1)


async def test_a_stale_calendars_issues_go_at_the_next_start(
    hass: HomeAssistant, rental: MockConfigEntry
) -> None:
    stale = f"{rental.entry_id}_booking_code_failed_01OLDSUBENTRY_abc_{FRONT}"
    ir.async_create_issue(
        hass,
        DOMAIN,
        stale,
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="booking_code_failed",
    )
    await add_booking_calendar(hass, rental, [FRONT])
    assert ir.async_get(hass).async_get_issue(DOMAIN, stale) is None


def test_the_retry_comes_sooner_than_the_next_check() -> None:
    assert RECONCILE_INTERVAL.total_seconds() > booking_codes.RETRY_SOONER
