"""Guest codes from a booking calendar: the real Home Assistant, its local calendar, and the Seam
simulator over HTTP.

What a host notices: each booking gets a code on each lock, valid for the stay; a changed
booking moves the code and keeps its digits; a cancelled one loses its code a few reads later;
a feed that comes back empty or fails never wipes codes; codes nobody asked this feature to
make are never touched; and trouble shows on the calendar's sensor and as repair issues that
name the booking, never its PIN.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
import logging
from pathlib import Path

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.seam.booking_codes import MISSING_READS
from custom_components.seam.booking_settings import CONF_NOTIFY
from custom_components.seam.const import DOMAIN
from homeassistant.core import HomeAssistant, ServiceCall
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
    logged,
    reconcile,
    reconfigure_booking_calendar,
    until,
    writes,
)
from tests.conftest import setup_integration
from tests.simulator import Fault, Outcome, SeamSimulator

SENSOR = "sensor.rental_door_codes"


@pytest.fixture
def host_phone(hass: HomeAssistant) -> list[ServiceCall]:
    """The host's phone, as a notify action."""
    return async_mock_service(hass, "notify", "host_phone")


def local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=dt_util.get_default_time_zone())


async def test_a_new_booking_gets_one_code_per_lock_for_its_stay(
    hass: HomeAssistant,
    rental: MockConfigEntry,
    simulator: SeamSimulator,
    host_phone: list[ServiceCall],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    arrive, leave = in_days(3), in_days(6)
    await add_booking(hass, "Ana Silva", arrive, leave)
    sub = await add_booking_calendar(
        hass, rental, [FRONT, BACK], **{CONF_NOTIFY: "notify.host_phone"}
    )
    await reconcile(hass, rental, sub)

    front, back = codes_on(simulator, FRONT), codes_on(simulator, BACK)
    assert len(front) == len(back) == 1
    code = front[0]
    # All-day booking: check-in 16:00 on arrival, check-out 11:00 on departure, local time.
    assert (code.starts_at, code.ends_at) == (
        local(arrive, time(16)),
        local(leave, time(11)),
    )
    assert code.name == f"Ana Silva {arrive.isoformat()}"
    # One PIN for the stay: the same digits open both doors; random, six digits.
    assert back[0].code == code.code
    assert len(code.code) == 6
    assert code.common_code_key
    assert code.common_code_key != back[0].common_code_key

    # The host got the code once, with the stay and the locks.
    assert len(host_phone) == 1
    message = host_phone[0].data["message"]
    assert code.code in message
    assert "Back Door, Front Door" in message
    assert "Ana Silva" in host_phone[0].data["title"]
    # ... and no log line has it (the test harness's own storage mock logs what is stored).
    assert code.code not in logged(caplog.records)

    state = hass.states.get(SENSOR)
    assert state is not None
    assert state.state == "scheduled"
    assert state.attributes["scheduled"] == 2
    assert state.attributes["failing"] == 0
    booking = state.attributes["bookings"][0]
    assert booking["booking"] == f"Ana Silva {arrive.isoformat()}"
    assert booking["codes"] == {"Front Door": "scheduled", "Back Door": "scheduled"}
    assert code.code not in str(state.attributes)


async def test_nothing_changed_means_no_write_and_no_new_notice(
    hass: HomeAssistant,
    rental: MockConfigEntry,
    simulator: SeamSimulator,
    host_phone: list[ServiceCall],
) -> None:
    await add_booking(hass, "Ana Silva", in_days(2), in_days(4))
    await add_booking(hass, "Ben Okafor", in_days(5), in_days(9))
    sub = await add_booking_calendar(
        hass, rental, [FRONT, BACK], **{CONF_NOTIFY: "notify.host_phone"}
    )
    await reconcile(hass, rental, sub)
    assert len(codes_on(simulator, FRONT)) == 2
    simulator.reset_requests()

    await reconcile(hass, rental, sub)
    await reconcile(hass, rental, sub)

    assert writes(simulator) == 0
    # One list per lock and read, nothing else.
    assert simulator.request_count() == simulator.request_count("/access_codes/list") == 4
    assert len(host_phone) == 2
    assert booking_calendar(rental, sub).status.writes == 0


async def test_changed_dates_move_the_window_and_keep_the_pin(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    uid = await add_booking(hass, "Ana Silva", in_days(3), in_days(6))
    sub = await add_booking_calendar(hass, rental, [FRONT, BACK])
    await reconcile(hass, rental, sub)
    before = {
        c.access_code_id: c.code for c in codes_on(simulator, FRONT) + codes_on(simulator, BACK)
    }

    arrive, leave = in_days(4), in_days(8)
    await calendar_entity(hass).async_update_event(
        uid, {"summary": "Ana Silva", "dtstart": arrive, "dtend": leave}
    )
    await reconcile(hass, rental, sub)

    after = codes_on(simulator, FRONT) + codes_on(simulator, BACK)
    assert {c.access_code_id: c.code for c in after} == before
    for code in after:
        assert (code.starts_at, code.ends_at) == (local(arrive, time(16)), local(leave, time(11)))
        assert code.name == f"Ana Silva {arrive.isoformat()}"


async def test_a_cancelled_booking_loses_its_codes_only_after_several_reads(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    await add_booking(hass, "Ben Okafor", in_days(1), in_days(3))
    uid = await add_booking(hass, "Ana Silva", in_days(3), in_days(6))
    sub = await add_booking_calendar(hass, rental, [FRONT, BACK])
    await reconcile(hass, rental, sub)
    assert len(codes_on(simulator, FRONT)) == 2

    await calendar_entity(hass).async_delete_event(uid)
    calendar = booking_calendar(rental, sub)
    record = next(r for r in calendar.records.values() if r.guest == "Ana Silva")
    seen_missing: list[int] = []
    while any(c.name.startswith("Ana") for c in codes_on(simulator, FRONT)):
        assert len(seen_missing) < MISSING_READS, "the code outlived the grace reads"
        await reconcile(hass, rental, sub)
        seen_missing.append(record.missing)
    # Gone at the third read without the booking, from both locks; Ben keeps his.
    assert record.missing == MISSING_READS
    assert [c.name for c in codes_on(simulator, BACK)] == [f"Ben Okafor {in_days(1).isoformat()}"]
    assert [c.name for c in codes_on(simulator, FRONT)] == [f"Ben Okafor {in_days(1).isoformat()}"]
    assert all(r.guest != "Ana Silva" for r in calendar.records.values())


async def test_an_empty_or_failing_calendar_never_wipes_codes(
    hass: HomeAssistant,
    rental: MockConfigEntry,
    simulator: SeamSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    uid = await add_booking(hass, "Ana Silva", in_days(3), in_days(6))
    sub = await add_booking_calendar(hass, rental, [FRONT])
    await reconcile(hass, rental, sub)
    assert len(codes_on(simulator, FRONT)) == 1

    # The feed comes back empty (every event gone at once): many reads, nothing deleted.
    await calendar_entity(hass).async_delete_event(uid)
    for _ in range(MISSING_READS + 2):
        await reconcile(hass, rental, sub)
    assert len(codes_on(simulator, FRONT)) == 1

    # The calendar cannot be read at all: still nothing deleted, and a repair issue says so.
    calendar_entry = hass.config_entries.async_entries("local_calendar")[0]
    await hass.config_entries.async_unload(calendar_entry.entry_id)
    for _ in range(MISSING_READS + 2):
        await reconcile(hass, rental, sub)
    assert len(codes_on(simulator, FRONT)) == 1
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"{rental.entry_id}_booking_calendar_{sub}")
    assert issue is not None
    assert issue.translation_placeholders == {"calendar": "Rental"}
    # Said once in the log, when it became an issue; not at every check.
    warnings = [
        r for r in caplog.records if r.levelname == "WARNING" and "Could not read" in r.getMessage()
    ]
    assert len(warnings) == 1
    assert writes(simulator) == 1  # the create, nothing since


async def test_codes_this_feature_did_not_make_are_never_touched(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    client = rental.runtime_data.client
    # The cleaner's code, named like a booking's would be, valid during the stay.
    arrive, leave = in_days(3), in_days(6)
    cleaner, _ = await client.create_access_code(
        FRONT, name=f"Ana Silva {arrive.isoformat()}", code="482915"
    )
    uid = await add_booking(hass, "Ana Silva", arrive, leave)
    await add_booking(hass, "Ben Okafor", in_days(8), in_days(9))
    sub = await add_booking_calendar(hass, rental, [FRONT])
    await reconcile(hass, rental, sub)
    assert len(codes_on(simulator, FRONT)) == 3

    await calendar_entity(hass).async_delete_event(uid)
    for _ in range(MISSING_READS):
        await reconcile(hass, rental, sub)
    remaining = codes_on(simulator, FRONT)
    assert cleaner.access_code_id in {c.access_code_id for c in remaining}
    assert len(remaining) == 2
    stored = next(c for c in remaining if c.access_code_id == cleaner.access_code_id)
    assert (stored.name, stored.code, stored.starts_at) == (cleaner.name, "482915", None)


async def test_overlapping_bookings_each_get_a_code_within_the_locks_limit(
    hass: HomeAssistant,
    simulator: SeamSimulator,
    config_entry: MockConfigEntry,
    tmp_path: Path,
) -> None:
    simulator.add_lock("Front Door", device_id=FRONT)
    # The back door holds one code at a time (Seam's max_active_codes_supported).
    simulator.add_lock("Back Door", device_id=BACK, properties={"max_active_codes_supported": 1})
    await setup_integration(hass, config_entry)
    await add_local_calendar(hass, tmp_path)
    await add_booking(hass, "Ana Silva", in_days(2), in_days(6))
    await add_booking(hass, "Ben Okafor", in_days(4), in_days(8))
    await add_booking(hass, "Chloe Martin", in_days(10), in_days(12))
    sub = await add_booking_calendar(hass, config_entry, [FRONT, BACK])
    await reconcile(hass, config_entry, sub)

    front = codes_on(simulator, FRONT)
    assert sorted(c.name.split()[0] for c in front) == ["Ana", "Ben", "Chloe"]
    assert len({c.code for c in front}) == 3
    # The back door: Ana's code, then no room for Ben's (their stays overlap); Chloe's fits.
    assert sorted(c.name.split()[0] for c in codes_on(simulator, BACK)) == ["Ana", "Chloe"]
    issues = [
        issue
        for (domain, _), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue.translation_key == "booking_code_no_room"
    ]
    assert len(issues) == 1
    placeholders = issues[0].translation_placeholders or {}
    assert placeholders["booking"] == f"Ben Okafor {in_days(4).isoformat()}"
    assert placeholders["lock"] == "Back Door"
    ben = next(c for c in front if c.name.startswith("Ben"))
    assert ben.code not in str(placeholders)
    state = hass.states.get(SENSOR)
    assert state is not None
    assert (state.state, state.attributes["failing"], state.attributes["scheduled"]) == (
        "failing",
        1,
        5,
    )


async def test_all_day_bookings_keep_their_local_times_across_a_dst_change(
    hass: HomeAssistant,
    rental: MockConfigEntry,
    simulator: SeamSimulator,
) -> None:
    await hass.config.async_set_time_zone("Europe/Berlin")
    zone = dt_util.get_default_time_zone()
    # The next clock change: the last Sunday of March (+01:00 to +02:00) or of October (back).
    today = dt_util.now().date()
    change = min(
        day
        for year in (today.year, today.year + 1)
        for month in (3, 10)
        if (day := last_sunday(year, month)) > today + timedelta(days=3)
    )
    arrive, leave = change - timedelta(days=2), change + timedelta(days=2)
    await add_booking(hass, "Ana Silva", arrive, leave)
    look_ahead = (leave - today).days + 1
    sub = await add_booking_calendar(hass, rental, [FRONT], look_ahead_days=look_ahead)
    await reconcile(hass, rental, sub)

    (code,) = codes_on(simulator, FRONT)
    assert code.starts_at is not None
    assert code.ends_at is not None
    starts, ends = code.starts_at.astimezone(zone), code.ends_at.astimezone(zone)
    before = timedelta(hours=1 if change.month == 3 else 2)
    after = timedelta(hours=2 if change.month == 3 else 1)
    assert (starts.date(), starts.time(), starts.utcoffset()) == (arrive, time(16), before)
    assert (ends.date(), ends.time(), ends.utcoffset()) == (leave, time(11), after)
    # 16:00 to 11:00 four days later is 3 days 19 hours on the clock; one hour less in fact
    # when the clocks go forward, one more when they go back.
    assert code.ends_at - code.starts_at == timedelta(days=3, hours=19) - (after - before)


def last_sunday(year: int, month: int) -> date:
    return max(
        date(year, month, day) for day in range(25, 32) if date(year, month, day).weekday() == 6
    )


async def test_a_restart_mid_stay_makes_no_duplicate_code(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    now = dt_util.now()
    # Checked in an hour ago, leaves in two days.
    await add_booking(hass, "Ana Silva", now - timedelta(hours=1), now + timedelta(days=2))
    sub = await add_booking_calendar(hass, rental, [FRONT, BACK])
    await reconcile(hass, rental, sub)
    before = sorted(
        (c.access_code_id, c.code) for c in codes_on(simulator, FRONT) + codes_on(simulator, BACK)
    )
    assert len(before) == 2

    assert await hass.config_entries.async_reload(rental.entry_id)
    await reconcile(hass, rental, sub)
    assert (
        sorted(
            (c.access_code_id, c.code)
            for c in codes_on(simulator, FRONT) + codes_on(simulator, BACK)
        )
        == before
    )

    # Even with the store lost (a restore from an old backup), the codes are found by their key.
    rental.runtime_data.bookings.store.calendars.clear()
    await reconcile(hass, rental, sub)
    assert (
        sorted(
            (c.access_code_id, c.code)
            for c in codes_on(simulator, FRONT) + codes_on(simulator, BACK)
        )
        == before
    )
    record = next(iter(booking_calendar(rental, sub).records.values()))
    assert record.pin == before[0][1]


async def test_a_reconcile_cut_short_mid_create_leaves_no_duplicate(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    sub = await add_booking_calendar(hass, rental, [FRONT, BACK])
    # Remove the codes the first reconcile made, then cut the next one short: Seam makes the
    # front door's code, but its answer comes after Home Assistant stopped waiting.
    for code in codes_on(simulator, FRONT) + codes_on(simulator, BACK):
        simulator.access_codes.by_id.pop(code.access_code_id)
    booking_calendar(rental, sub).records.clear()
    simulator.inject("/access_codes/create", Fault(delay_after=5.0))
    calendar = booking_calendar(rental, sub)
    task = hass.async_create_task(calendar.async_reconcile())
    await until(lambda: bool(codes_on(simulator, FRONT)))
    task.cancel()
    await hass.async_block_till_done()
    assert len(codes_on(simulator, FRONT)) == 1

    await reconcile(hass, rental, sub)
    front, back = codes_on(simulator, FRONT), codes_on(simulator, BACK)
    assert len(front) == len(back) == 1
    assert front[0].code == back[0].code


async def test_seam_failures_become_repair_issues_naming_the_booking(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    simulator.access_codes.outcome = Outcome(status="error", error_message="Lock unreachable")
    sub = await add_booking_calendar(hass, rental, [FRONT])
    await hass.async_block_till_done(wait_background_tasks=True)
    await until(lambda: bool(codes_on(simulator, FRONT)[0].errors))  # Seam fails the attempt
    await reconcile(hass, rental, sub)

    (code,) = codes_on(simulator, FRONT)
    registry = ir.async_get(hass)
    failed = [
        i
        for (d, _), i in registry.issues.items()
        if d == DOMAIN and i.translation_key == "booking_code_failed"
    ]
    assert len(failed) == 1
    assert failed[0].translation_placeholders == {
        "calendar": "Rental",
        "booking": f"Ana Silva {in_days(1).isoformat()}",
        "lock": "Front Door",
        "reason": "failed_to_set_on_device",
    }
    assert hass.states.get(SENSOR).state == "failing"  # type: ignore[union-attr]

    # Set at last: the issue clears itself.
    simulator.access_codes.outcome = Outcome()
    code.errors.clear()
    code.is_set = True
    await reconcile(hass, rental, sub)
    assert not [
        i
        for (d, _), i in registry.issues.items()
        if d == DOMAIN and i.translation_key == "booking_code_failed"
    ]

    # Deleted outside Seam: set again with the same PIN, and a warning says so.
    simulator.access_codes.by_id.pop(code.access_code_id)
    await reconcile(hass, rental, sub)
    (again,) = codes_on(simulator, FRONT)
    assert again.code == code.code
    assert again.access_code_id != code.access_code_id
    deleted = [
        i
        for (d, _), i in registry.issues.items()
        if d == DOMAIN and i.translation_key == "booking_code_deleted_outside"
    ]
    assert len(deleted) == 1
    assert deleted[0].severity is ir.IssueSeverity.WARNING
    assert code.code not in str(deleted[0].translation_placeholders)
    # It stays while the booking lasts (the code is back, the host should still know),
    # through a reload too, and the new code is not mistaken for another deletion.
    assert await hass.config_entries.async_reload(rental.entry_id)
    await reconcile(hass, rental, sub)
    assert [c.access_code_id for c in codes_on(simulator, FRONT)] == [again.access_code_id]
    assert [
        i.issue_id
        for (d, _), i in registry.issues.items()
        if d == DOMAIN and i.translation_key == "booking_code_deleted_outside"
    ] == [deleted[0].issue_id]


async def test_a_rate_limit_defers_the_rest_to_a_later_round(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    for n in range(3):
        await add_booking(hass, f"Guest {n}", in_days(1 + 2 * n), in_days(2 + 2 * n))
    simulator.inject(
        "/access_codes/create", Fault(status=429, retry_after=1), Fault(status=429, retry_after=1)
    )
    sub = await add_booking_calendar(hass, rental, [FRONT])
    await reconcile(hass, rental, sub)
    assert len(codes_on(simulator, FRONT)) < 3
    assert hass.states.get(SENSOR).attributes["failing"] == 0  # type: ignore[union-attr]
    await reconcile(hass, rental, sub)
    await reconcile(hass, rental, sub)
    assert len(codes_on(simulator, FRONT)) == 3


async def test_a_lock_added_later_gets_the_same_pin(
    hass: HomeAssistant, rental: MockConfigEntry, simulator: SeamSimulator
) -> None:
    await add_booking(hass, "Ana Silva", in_days(1), in_days(3))
    sub = await add_booking_calendar(hass, rental, [FRONT])
    await reconcile(hass, rental, sub)
    (front,) = codes_on(simulator, FRONT)

    result = await reconfigure_booking_calendar(hass, rental, sub, [FRONT, BACK])
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    await reconcile(hass, rental, sub)
    (back,) = codes_on(simulator, BACK)
    assert back.code == front.code
    assert codes_on(simulator, FRONT)[0].access_code_id == front.access_code_id
