"""Reading Seam's JSON values: what is required, and optional values of one type or none."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .errors import SeamServerError

type JSON = dict[str, Any]


def require(data: JSON, key: str, kind: str) -> Any:
    """Return data[key], or raise a clear error naming what is missing."""
    try:
        value = data[key]
    except (KeyError, TypeError):
        raise SeamServerError(
            f"Seam's {kind} lacks the required field '{key}'", status=200
        ) from None
    if value is None:
        raise SeamServerError(f"Seam's {kind} has no value for '{key}'", status=200)
    return value


def opt_bool(value: Any) -> bool | None:
    """A boolean, else None."""
    return value if isinstance(value, bool) else None


def opt_float(value: Any) -> float | None:
    """A number (not a boolean) as a float, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def opt_str(value: Any) -> str | None:
    """A non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def opt_datetime(value: Any) -> datetime | None:
    """An ISO 8601 time, else None."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
