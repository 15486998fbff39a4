"""Exceptions raised by the Seam client: one base, one class per way a call can fail."""

from __future__ import annotations

import re
from typing import Any


def masked_code(code: str) -> str:
    """How a message names a door code (PIN) without giving it away: "…" and its last digit."""
    return f"…{code[-1:]}"


def without_code(text: str, code: str | None) -> str:
    """`text` with the PIN `code`, wherever it stands as a number of its own, masked.

    Digits around it make another number (a request id's or a time's), which stays as it is.
    """
    if not code:
        return text
    return re.sub(rf"(?<!\d){re.escape(code)}(?!\d)", masked_code(code), text)


class SeamError(Exception):
    """Base of every error the Seam client raises."""

    # The `seam-request-id` of the request the error is about, when there is one.
    request_id: str | None = None

    def hide_code(self, code: str | None) -> None:
        """Name the PIN `code` by its masked form in everything this error says.

        Seam's messages may quote the code of the request; the error's text reaches messages
        and logs (also as the cause of another error), where a PIN must never show.
        """
        if not code:
            return
        self.args = tuple(
            without_code(arg, code) if isinstance(arg, str) else arg for arg in self.args
        )
        for attribute, value in list(vars(self).items()):
            # Ids are Seam's, never a quote of the code, and must stay exact for its support.
            if isinstance(value, str) and not attribute.endswith("_id"):
                setattr(self, attribute, without_code(value, code))


class SeamApiError(SeamError):
    """Seam answered with an error.

    Keeps the HTTP status, Seam's `error.type` and message, and the `seam-request-id` so a user
    or Seam's support can find the request.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        error_type: str | None = None,
        request_id: str | None = None,
    ) -> None:
        """Build the error from what Seam answered."""
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_type = error_type
        self.request_id = request_id

    def __str__(self) -> str:
        """Say what Seam said, with its error type and request id."""
        parts = [self.message]
        if self.error_type:
            parts.append(f"type: {self.error_type}")
        if self.request_id:
            parts.append(f"request id: {self.request_id}")
        return parts[0] if len(parts) == 1 else f"{parts[0]} ({', '.join(parts[1:])})"


class SeamUnauthorizedError(SeamApiError):
    """401: the API key is wrong or revoked."""


class SeamInvalidInputError(SeamApiError):
    """400: Seam rejected the request's input."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        error_type: str | None = None,
        request_id: str | None = None,
        validation_errors: dict[str, Any] | None = None,
    ) -> None:
        """Keep Seam's per-field validation errors beside the message."""
        super().__init__(message, status=status, error_type=error_type, request_id=request_id)
        self.validation_errors = validation_errors or {}


class SeamNotFoundError(SeamApiError):
    """404: the device, action attempt or other object does not exist (see `error_type`)."""


class SeamConflictError(SeamApiError):
    """409: the request clashes with existing state (e.g. `duplicate_access_code`)."""


class SeamRateLimitedError(SeamApiError):
    """429: too many requests; `retry_after` holds Seam's `Retry-After` seconds when given."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        error_type: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Keep how long Seam asked us to wait."""
        super().__init__(message, status=status, error_type=error_type, request_id=request_id)
        self.retry_after = retry_after


class SeamServerError(SeamApiError):
    """5xx, or an answer that is not Seam's JSON: a fault on Seam's side, usually transient."""


class SeamConnectionError(SeamError):
    """Seam could not be reached (DNS, refused or dropped connection)."""


class SeamTimeoutError(SeamError):
    """Seam did not answer within the request timeout."""
