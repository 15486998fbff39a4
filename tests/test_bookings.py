"""The rules that turn a calendar event into a booking and choose its code (no Home Assistant)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.seam.api import CodeConstraints, Device
from custom_components.seam.bookings import (
    booking_from_event,
    booking_key,
    choose_pin,
    code_breaks,
    code_key,
    code_name,
    common_lengths,
    guest_name,
    phone_digits,
    stay_window,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def lock(lengths: tuple[int, ...] = (), rules: tuple[str, ...] = ()) -> Device:
    return Device(
        device_id="lock",
        device_type="august_lock",
        display_name="Lock",
        code_constraints=CodeConstraints(supported_code_lengths=lengths, constraint_types=rules),
    )


@pytest.mark.parametrize(
    ("description", "digits"),
    [
        ("Phone Number (Last 4 Digits): 4821\nReservation URL: ...", "4821"),
        ("Guest: Ana\nPhone: +1 (415) 555-0134", "14155550134"),
        ("Call 06 12 34 56 78 or +33 6 98 76 54 32", "33698765432"),
        ("Booking ref 12345, 3 guests", None),
        ("", None),
        (None, None),
    ],
)
def test_phone_digits_come_from_the_description(
    description: str | None, digits: str | None
) -> None:
    assert phone_digits(description) == digits


@pytest.mark.parametrize(
    ("summary", "guest"),
    [
        ("Reserved - Ana Silva", "Ana Silva"),
        ("Booking: Ben Okafor", "Ben Okafor"),
        ("Chloe Martin", "Chloe Martin"),
        ("Reserved", "Reserved"),
        ("   ", "Guest"),
    ],
)
def test_the_guest_is_named_without_the_sites_prefix(summary: str, guest: str) -> None:
    assert guest_name(summary) == guest


@pytest.mark.parametrize("summary", ["Airbnb (Not available)", "Blocked", "unavailable"])
def test_blocked_dates_are_no_booking(summary: str) -> None:
    assert (
        booking_from_event(
            uid="x",
            recurrence_id=None,
            summary=summary,
            description=None,
            start=date(2027, 1, 1),
            end=date(2027, 1, 3),
            check_in=time(16),
            check_out=time(11),
            zone=BERLIN,
        )
        is None
    )


def test_all_day_stays_use_the_configured_local_times_across_dst() -> None:
    # Clocks go forward in New York on 14 March 2027.
    starts, ends = stay_window(date(2027, 3, 13), date(2027, 3, 15), time(15), time(10), NEW_YORK)
    assert starts == datetime(2027, 3, 13, 20, tzinfo=UTC)  # 15:00 EST (-05:00)
    assert ends == datetime(2027, 3, 15, 14, tzinfo=UTC)  # 10:00 EDT (-04:00)
    # And back in autumn.
    starts, ends = stay_window(date(2027, 10, 30), date(2027, 11, 1), time(16), time(11), BERLIN)
    assert starts == datetime(2027, 10, 30, 14, tzinfo=UTC)  # 16:00 CEST
    assert ends == datetime(2027, 11, 1, 10, tzinfo=UTC)  # 11:00 CET


def test_timed_stays_keep_their_own_times() -> None:
    start = datetime(2027, 1, 5, 14, 30, tzinfo=BERLIN)
    end = datetime(2027, 1, 7, 9, tzinfo=BERLIN)
    assert stay_window(start, end, time(16), time(11), BERLIN) == (
        start.astimezone(UTC),
        end.astimezone(UTC),
    )
    # A time without a zone is Home Assistant's.
    naive = datetime(2027, 1, 5, 14, 30)
    assert stay_window(naive, naive + timedelta(hours=5), time(16), time(11), BERLIN)[
        0
    ] == start.astimezone(UTC)


def test_a_one_day_event_with_check_out_before_check_in_ends_that_day_is_dropped() -> None:
    # An all-day event of one day: 16:00 in, 11:00 out the next day.
    starts, ends = stay_window(date(2027, 1, 5), date(2027, 1, 6), time(16), time(11), BERLIN)
    assert ends - starts == timedelta(hours=19)
    booking = booking_from_event(
        uid=None,
        recurrence_id=None,
        summary="Day visit",
        description=None,
        start=datetime(2027, 1, 5, 12, tzinfo=BERLIN),
        end=datetime(2027, 1, 5, 12, tzinfo=BERLIN),
        check_in=time(16),
        check_out=time(11),
        zone=BERLIN,
    )
    assert booking is None


def test_a_booking_is_keyed_by_its_uid_and_occurrence() -> None:
    assert booking_key("abc", None, "Ana", date(2027, 1, 1)) == "abc"
    assert booking_key("abc", "20270101", "Ana", date(2027, 1, 1)) == "abc/20270101"
    assert booking_key(None, None, " Ana ", datetime(2027, 1, 1, 15)) == "summary:ana/2027-01-01"
    # Each lock's key differs; the same booking and lock always give the same key.
    assert code_key("ws:calendar.a", "abc", "lock1") == code_key("ws:calendar.a", "abc", "lock1")
    assert code_key("ws:calendar.a", "abc", "lock1") != code_key("ws:calendar.a", "abc", "lock2")
    assert code_key("ws:calendar.a", "abc", "lock1") != code_key("ws:calendar.b", "abc", "lock1")


def test_code_names_are_short_enough() -> None:
    assert code_name("Ana Silva", date(2027, 1, 5)) == "Ana Silva 2027-01-05"
    long = code_name("A" * 100, date(2027, 1, 5))
    assert len(long) == 48
    assert long.endswith(" 2027-01-05")


def test_a_code_the_lock_refuses_is_named() -> None:
    assert code_breaks(lock((4,)), "12345")
    assert code_breaks(lock(rules=("cannot_specify_pin_code",)), "4821")
    assert code_breaks(lock((4,), ("no_zeros",)), "4820")
    assert not code_breaks(lock((4,), ("no_zeros",)), "4821")


def test_the_pin_suits_every_lock() -> None:
    front = lock((4, 6, 8))
    back = lock((4, 5, 6), ("no_zeros", "no_ascending_or_descending_sequence"))
    assert common_lengths([front, back]) == [6, 4]
    for _ in range(50):
        pin = choose_pin([front, back], set())
        assert pin is not None
        assert len(pin) == 6
        assert "0" not in pin
        assert not code_breaks(front, pin)
        assert not code_breaks(back, pin)
    # Locks with no length in common, or one that picks its own codes: no shared PIN.
    assert choose_pin([lock((4,)), lock((6,))], set()) is None
    assert choose_pin([lock(rules=("cannot_specify_pin_code",))], set()) is None


def test_a_pin_already_on_a_lock_is_never_chosen() -> None:
    four = lock((4,))
    taken = {f"{n:04d}" for n in range(0, 10000, 2)}  # every even code
    for _ in range(50):
        pin = choose_pin([four], taken)
        assert pin is not None
        assert pin not in taken
    # Every code taken: none is chosen rather than a duplicate.
    assert choose_pin([four], {f"{n:04d}" for n in range(10000)}) is None


def test_phone_codes_fall_back_to_random_when_the_lock_refuses_them() -> None:
    assert choose_pin([lock((4, 6))], set(), phone="14155550134") == "550134"
    assert choose_pin([lock((4,))], set(), phone="14155550134") == "0134"
    # The lock takes no zeros: the phone's digits do not qualify, a random code is used.
    no_zeros = lock((4,), ("no_zeros",))
    pin = choose_pin([no_zeros], set(), phone="14155550134")
    assert pin is not None
    assert pin != "0134"
    assert "0" not in pin
    # Already on the lock: random too.
    assert choose_pin([lock((4,))], {"0134"}, phone="0134") != "0134"
