"""Parsing Seam's JSON: tolerant of what is new, clear about what is missing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.seam.api import (
    ActionAttempt,
    ActionAttemptStatus,
    Device,
    SeamEvent,
    SeamServerError,
    Workspace,
)


def test_unknown_fields_and_enum_values_are_tolerated() -> None:
    device = Device.from_json(
        {
            "device_id": "d1",
            "device_type": "brand_new_lock",
            "display_name": "Shed",
            "can_remotely_lock": True,
            "some_future_field": {"x": 1},
            "properties": {
                "online": True,
                "locked": "maybe",
                "battery": {"level": 0.9, "status": "superb"},
                "model": {"display_name": "Model X", "manufacturer_display_name": "Acme"},
            },
            "errors": [{"error_code": "brand_new_error", "message": "New"}, "junk"],
        }
    )
    assert device.is_lock
    assert device.locked is None
    assert device.battery_status == "superb"
    assert device.manufacturer == "Acme"
    assert device.model == "Model X"
    assert [e.code for e in device.errors] == ["brand_new_error"]

    attempt = ActionAttempt.from_json(
        {"action_attempt_id": "a1", "action_type": "LOCK_DOOR", "status": "queued"}
    )
    assert attempt.status is ActionAttemptStatus.UNKNOWN
    assert attempt.is_pending


def test_capabilities_supported_does_not_make_a_lock() -> None:
    thermostat = Device.from_json(
        {
            "device_id": "t1",
            "device_type": "ecobee_thermostat",
            "capabilities_supported": ["lock", "access_code"],
            "properties": {"name": "Thermostat", "online": True},
        }
    )
    assert not thermostat.is_lock
    assert thermostat.name == "Thermostat"


@pytest.mark.parametrize(
    ("parse", "data", "field"),
    [
        (Device.from_json, {"properties": {}}, "device_id"),
        (ActionAttempt.from_json, {"status": "pending"}, "action_attempt_id"),
        (ActionAttempt.from_json, {"action_attempt_id": "a", "status": None}, "status"),
        (Workspace.from_json, {"name": "W"}, "workspace_id"),
    ],
)
def test_missing_required_field_is_a_clear_error(parse, data, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SeamServerError, match=field):
        parse(data)


def test_attempt_result_reports_device_confirmation() -> None:
    attempt = ActionAttempt.from_json(
        {
            "action_attempt_id": "a1",
            "status": "success",
            "result": {"was_confirmed_by_device": False},
        }
    )
    assert attempt.status is ActionAttemptStatus.SUCCESS
    assert attempt.was_confirmed_by_device is False
    assert not attempt.is_pending
    failed = ActionAttempt.from_json(
        {
            "action_attempt_id": "a2",
            "status": "error",
            "error": {"type": "action_attempt_expired", "message": "Expired"},
        }
    )
    assert (failed.error_type, failed.error_message) == ("action_attempt_expired", "Expired")


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        ({"occurred_at": "2026-07-01T12:00:00.250Z"}, datetime(2026, 7, 1, 12, 0, 0, 250000, UTC)),
        (
            {"occurred_at": "not a time", "created_at": "2026-07-01T12:00:01Z"},
            datetime(2026, 7, 1, 12, 0, 1, tzinfo=UTC),
        ),
        ({"occurred_at": "2026-07-01T12:00:00"}, None),  # no zone: cannot be ordered
        ({"occurred_at": 1751371200}, None),
        ({}, None),
    ],
    ids=["occurred_at", "bad-then-created_at", "naive", "number", "none"],
)
def test_an_event_is_dated_by_when_it_happened(
    times: dict[str, object], expected: datetime | None
) -> None:
    event = SeamEvent.from_json(
        {
            "event_id": "e1",
            "event_type": "device.low_battery",
            "device_id": "d1",
            "battery_level": True,  # not a number
            **times,
        }
    )
    assert event.occurred_at == expected
    assert event.battery_level is None
    assert (event.event_id, event.event_type, event.device_id) == ("e1", "device.low_battery", "d1")
