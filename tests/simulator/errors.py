"""Seam's error answers: `{"error": {"type", "message", ...}, "ok": false}`."""

from __future__ import annotations

from typing import Any

from .models import JsonObject

_TYPE_BY_STATUS = {
    400: "invalid_input",
    401: "unauthorized",
    404: "device_not_found",
    409: "duplicate_access_code",
    429: "rate_limited",
}

_MESSAGE_BY_TYPE = {
    "invalid_input": "Invalid input",
    "unauthorized": "Unauthorized",
    "device_not_found": "Device not found",
    "duplicate_access_code": "An access code with this code already exists on the device",
    "rate_limited": "Too many requests",
    "internal_server_error": "Internal server error",
}


def default_error_type(status: int) -> str:
    """The `error.type` Seam usually sends with an HTTP status."""
    if status >= 500:
        return "internal_server_error"
    return _TYPE_BY_STATUS.get(status, "internal_server_error")


def default_message(error_type: str) -> str:
    """A plausible message for an error type."""
    return _MESSAGE_BY_TYPE.get(error_type, "Simulated error")


class SeamApiError(Exception):
    """Raised by a route to answer with a Seam error body."""

    def __init__(
        self, status: int, error_type: str, message: str | None = None, **extra: Any
    ) -> None:
        """Describe the error; `extra` goes into the `error` object (e.g. `validation_errors`)."""
        self.status = status
        self.error_type = error_type
        self.message = message or default_message(error_type)
        self.extra = extra
        super().__init__(f"{status} {error_type}: {self.message}")

    def body(self) -> JsonObject:
        """The JSON body Seam answers with."""
        return {
            "error": {"type": self.error_type, "message": self.message, **self.extra},
            "ok": False,
        }


def invalid_field(name: str, problem: str) -> SeamApiError:
    """A 400 `invalid_input` with validation errors in Seam's (zod) shape."""
    return SeamApiError(
        400,
        "invalid_input",
        f"Invalid input: {name}: {problem}",
        validation_errors={"_errors": [], name: {"_errors": [problem]}},
    )
