"""What a lock accepts as an access code and a time window, checked before Seam is asked.

A code Seam would refuse is refused here with a reason the user can act on, before anything
is sent; the lock's own rules come from Seam (`supported_code_lengths`, `code_constraints`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import pairwise
import re

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import Device
from .const import DOMAIN

# Seam's API takes codes of 4 to 9 digits when a device does not name its own lengths.
SEAM_CODE_LENGTHS = tuple(range(4, 10))
_DIGITS = re.compile(r"[0-9]+")


def _steps(code: str) -> list[int]:
    return [int(b) - int(a) for a, b in pairwise(code)]


def _has_run_of_four(code: str) -> bool:
    """Four digits in a row that repeat, count up or count down by one (e.g. 1111, 2345).

    Seam's docs allow "no more than three digits in a row" consecutive or the same; a run of
    four breaks that under either reading of the rule's name, so no valid code is refused.
    """
    steps = _steps(code)
    return any(
        steps[i] == steps[i + 1] == steps[i + 2] and steps[i] in (-1, 0, 1)
        for i in range(len(steps) - 2)
    )


def _is_sequence(code: str) -> bool:
    steps = set(_steps(code))
    return steps in ({1}, {-1})


# Seam's code constraint types and how a code breaks each one. Constraints on names, and those
# that need data Home Assistant does not have (`pin_code_matches_existing_set`), stay with Seam.
CODE_RULES: dict[str, Callable[[str], bool]] = {
    "no_zeros": lambda code: "0" in code,
    "cannot_start_with_12": lambda code: code.startswith("12"),
    "no_triple_consecutive_ints": _has_run_of_four,
    "no_ascending_or_descending_sequence": _is_sequence,
    "at_least_three_unique_digits": lambda code: len(set(code)) < 3,
    "no_all_same_digits": lambda code: len(set(code)) == 1,
    "unique_first_four_digits": lambda code: len(set(code[:4])) < len(code[:4]),
    "cannot_contain_089": lambda code: not set(code).isdisjoint("089"),
    "cannot_contain_0789": lambda code: not set(code).isdisjoint("0789"),
}


def _invalid(key: str, device: Device, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"name": device.name, **placeholders},
    )


def check_can_program(device: Device) -> None:
    """Refuse a lock on which Seam cannot program access codes over the internet (now)."""
    match device.can_program_online_access_codes:
        case None:
            raise _invalid("access_codes_not_supported", device)
        case False:
            # The lock can take codes, but Seam says not at the moment: say why.
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="access_codes_not_possible_now",
                translation_placeholders={
                    "name": device.name,
                    "reason": device.reason(),
                },
            )


def check_code(device: Device, code: str) -> None:
    """Refuse a code the lock would not take: characters, length, then its constraints."""
    constraints = device.code_constraints
    if "cannot_specify_pin_code" in constraints.constraint_types:
        raise _invalid("access_code_cannot_specify_pin_code", device)
    if not _DIGITS.fullmatch(code):
        raise _invalid("access_code_not_digits", device)
    lengths = constraints.supported_code_lengths or SEAM_CODE_LENGTHS
    if len(code) not in lengths:
        raise _invalid(
            "access_code_wrong_length",
            device,
            length=str(len(code)),
            lengths=", ".join(str(length) for length in sorted(lengths)),
        )
    for constraint in constraints.constraint_types:
        if (breaks := CODE_RULES.get(constraint)) is not None and breaks(code):
            # The message says which rule, never the code: the user knows what they typed.
            raise _invalid(f"access_code_{constraint}", device)


def check_window(
    device: Device,
    starts_at: datetime | None,
    ends_at: datetime | None,
    now: datetime,
    *,
    new_start: bool = True,
) -> None:
    """Refuse a window Seam would refuse: one end only, ending first, or already over.

    `new_start` is False when `starts_at` is the one a code already has (only its end moves).
    """
    if starts_at is None and ends_at is None:
        return
    if starts_at is None or ends_at is None:
        raise _invalid("access_code_window_incomplete", device)
    placeholders = {"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()}
    if ends_at <= starts_at:
        raise _invalid("access_code_window_reversed", device, **placeholders)
    if ends_at <= now:
        raise _invalid("access_code_window_past", device, **placeholders)
    if (
        new_start
        and "start_date_in_future" in device.code_constraints.constraint_types
        and starts_at <= now
    ):
        raise _invalid("access_code_start_date_in_future", device, **placeholders)
