"""Seam's official Python SDK (`seam` on PyPI), driven as its documentation shows.

The SDK is synchronous: it runs in a worker thread while the simulator answers from Home
Assistant's event loop, so both see the same server.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
import time
from typing import Any, Self

from seam import Seam
from seam.exceptions import SeamActionAttemptTimeoutError
from seam.modules import action_attempts


def sdk_defaults() -> dict[str, Any]:
    """The installed SDK's version and how it waits for an action attempt by default."""
    return {
        "version": version("seam"),
        "polling_interval": action_attempts.POLLING_INTERVAL,
        "timeout": action_attempts.TIMEOUT,
    }


@dataclass(frozen=True)
class SdkLock:
    """One `locks.lock_door` call: how long it took and how it ended."""

    seconds: float
    action_attempt_id: str
    gave_up: bool


class SeamSdk:
    """One SDK client in its own worker thread (the SDK blocks while it waits)."""

    def __init__(self, url: str, api_key: str, *, timeout: float | None = None) -> None:
        """Talk to `url`; `timeout` raises the wait's limit, keeping its polling interval."""
        self._url = url
        self._api_key = api_key
        self._wait: bool | dict[str, float] = True if timeout is None else {"timeout": timeout}
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seam-sdk")
        self._client: Seam | None = None

    def __enter__(self) -> Self:
        """Create the client (in its thread: httpx clients are not shared across threads)."""
        self._client = self._thread.submit(self._create).result()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the client and end the thread."""
        if self._client is not None:
            self._thread.submit(self._client.close).result()
        self._thread.shutdown(wait=True)

    def _create(self) -> Seam:
        return Seam(api_key=self._api_key, endpoint=self._url, wait_for_action_attempt=self._wait)

    def submit_lock(self, device_id: str) -> Any:
        """Start `locks.lock_door(device_id=...)` in the SDK's thread; a future of `SdkLock`."""
        return self._thread.submit(self._lock, device_id)

    def submit_unlock(self, device_id: str) -> Any:
        """Start `locks.unlock_door(device_id=...)` in the SDK's thread; a future of `SdkLock`."""
        return self._thread.submit(self._lock, device_id, unlock=True)

    def _lock(self, device_id: str, *, unlock: bool = False) -> SdkLock:
        if self._client is None:
            raise RuntimeError("Enter the SeamSdk first")
        command = self._client.locks.unlock_door if unlock else self._client.locks.lock_door
        started = time.perf_counter()
        try:
            attempt = command(device_id=device_id)
        except SeamActionAttemptTimeoutError as err:
            return SdkLock(
                time.perf_counter() - started, err.action_attempt.action_attempt_id, gave_up=True
            )
        return SdkLock(time.perf_counter() - started, attempt.action_attempt_id, gave_up=False)
