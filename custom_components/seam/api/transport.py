"""HTTP to Seam: auth, timeouts, retries of reads, and Seam's errors as exceptions."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from email.utils import parsedate_to_datetime
import json
import logging
import time
from typing import Any

import aiohttp

from .errors import (
    SeamApiError,
    SeamConflictError,
    SeamConnectionError,
    SeamInvalidInputError,
    SeamNotFoundError,
    SeamRateLimitedError,
    SeamServerError,
    SeamTimeoutError,
    SeamUnauthorizedError,
    without_code,
)
from .parsing import JSON

_LOGGER = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://connect.getseam.com"
DEFAULT_REQUEST_TIMEOUT = 15.0
# Waits between the tries of a read that failed transiently: three retries over 3.5 s.
DEFAULT_RETRY_DELAYS: tuple[float, ...] = (0.5, 1.0, 2.0)
# A Retry-After longer than this is not slept through inside one call: the error goes to the
# caller (the coordinator), which waits without blocking anything.
MAX_RETRY_AFTER = 10.0


def _retry_after_seconds(value: str | None) -> float | None:
    """Parse Retry-After: delta seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class SeamTransport:
    """Requests to one Seam workspace with an API key, over an injected aiohttp session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        workspace_id: str | None = None,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        retry_delays: Sequence[float] | None = None,
        max_retry_after: float = MAX_RETRY_AFTER,
    ) -> None:
        """Set up; nothing is sent until a call is made."""
        self._session = session
        self._api_key = api_key
        self._base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {api_key}"}
        if workspace_id:
            # Personal access tokens name the workspace in a header; API keys ignore it.
            self._headers["seam-workspace"] = workspace_id
        self._timeout = request_timeout
        self._retry_delays = tuple(DEFAULT_RETRY_DELAYS if retry_delays is None else retry_delays)
        self._max_retry_after = max_retry_after
        self.request_count = 0

    def __repr__(self) -> str:
        """Name the server, never the key."""
        return f"SeamClient(base_url={self._base_url!r})"

    @property
    def base_url(self) -> str:
        """The Seam server this client talks to."""
        return self._base_url

    async def _read(self, path: str, body: JSON | None = None) -> JSON:
        data, _ = await self._request(path, body, retry=True)
        return data

    async def _request(
        self, path: str, body: JSON | None, *, retry: bool
    ) -> tuple[JSON, str | None]:
        """POST to Seam; reads (`retry`) are tried again on 429, 5xx and connection errors."""
        tries = 0
        while True:
            try:
                return await self._request_once(path, body or {})
            except (
                SeamRateLimitedError,
                SeamServerError,
                SeamConnectionError,
                SeamTimeoutError,
            ) as err:
                if not retry or tries >= len(self._retry_delays):
                    raise
                delay = self._retry_delays[tries]
                if isinstance(err, SeamRateLimitedError) and err.retry_after is not None:
                    if err.retry_after > self._max_retry_after:
                        raise
                    delay = max(delay, err.retry_after)
                tries += 1
                _LOGGER.debug("Retrying %s in %.1f s after: %s", path, delay, err)
                await asyncio.sleep(delay)

    async def _request_once(self, path: str, body: JSON) -> tuple[JSON, str | None]:
        self.request_count += 1
        started = time.monotonic()
        try:
            async with (
                asyncio.timeout(self._timeout),
                self._session.post(
                    f"{self._base_url}{path}", json=body, headers=self._headers
                ) as response,
            ):
                raw = await response.read()
        except TimeoutError:
            raise SeamTimeoutError(
                f"Seam did not answer {path} within {self._timeout:.0f} s"
            ) from None
        except aiohttp.ClientError as err:
            reason = self._redact(f"{type(err).__name__}: {err}")
            raise SeamConnectionError(f"Cannot reach Seam for {path}: {reason}") from None
        request_id = response.headers.get("seam-request-id")
        _LOGGER.debug(
            "%s -> %s in %.3f s (request id %s)",
            path,
            response.status,
            time.monotonic() - started,
            request_id,
        )
        data = self._decode(raw)
        if 200 <= response.status < 300 and data is not None:
            return data, request_id
        if 200 <= response.status < 300:
            raise SeamServerError(
                f"Seam's answer to {path} is not JSON",
                status=response.status,
                request_id=request_id,
            )
        raise self._error(path, response.status, data, request_id, response.headers, body)

    @staticmethod
    def _decode(raw: bytes) -> JSON | None:
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def _error(
        self,
        path: str,
        status: int,
        data: JSON | None,
        request_id: str | None,
        headers: Any,
        sent: JSON,
    ) -> SeamApiError:
        """Turn an error answer to the request body `sent` into the matching exception."""
        error: JSON = (data or {}).get("error") or {}
        error_type = error.get("type") if isinstance(error.get("type"), str) else None
        message = self._redact(
            str(error.get("message") or f"Seam answered {path} with HTTP {status}"), sent
        )
        kwargs: dict[str, Any] = {
            "status": status,
            "error_type": error_type,
            "request_id": request_id,
        }
        if status == 400:
            validation = error.get("validation_errors")
            return SeamInvalidInputError(
                message,
                validation_errors=validation if isinstance(validation, dict) else None,
                **kwargs,
            )
        if status == 401:
            return SeamUnauthorizedError(message, **kwargs)
        if status == 404:
            return SeamNotFoundError(message, **kwargs)
        if status == 409:
            return SeamConflictError(message, **kwargs)
        if status == 429:
            return SeamRateLimitedError(
                message, retry_after=_retry_after_seconds(headers.get("Retry-After")), **kwargs
            )
        if status >= 500:
            return SeamServerError(message, **kwargs)
        return SeamApiError(message, **kwargs)

    def _redact(self, text: str, sent: JSON | None = None) -> str:
        """Remove the API key and the PIN sent in `sent` from text a server could echo back.

        Seam quotes the code of a duplicate in its message; the PIN then shows masked.
        """
        if self._api_key:
            text = text.replace(self._api_key, "**REDACTED**")
        code = (sent or {}).get("code")
        return without_code(text, code) if isinstance(code, str) else text
