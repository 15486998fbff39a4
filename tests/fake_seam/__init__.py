"""Seam's own fake server (`@seamapi/fake-seam-connect`), run as a Node process for tests.

`fake_seam_process` (session scope) starts `node tests/fake_seam/server.mjs` once; `fake_seam`
(function scope) restores the seeded state through the server's `POST /_test/reset` (about a
millisecond: the seeded store snapshot is loaded back in place) and yields a `FakeSeam`.

Tests that talk to the fake request `fake_seam` (which enables sockets through pytest-socket's
`socket_enabled`) and use `fake_seam.url`, which names 127.0.0.1: Home Assistant's test harness
only lets sockets reach that literal address.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
import contextlib
import json
from pathlib import Path
import re
import shutil
import subprocess
import tempfile
import time
from typing import IO, Any
import urllib.error
import urllib.request

import aiohttp
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_SCRIPT = Path(__file__).with_name("server.mjs")
FAKE_PACKAGE_DIR = REPO_ROOT / "node_modules" / "@seamapi" / "fake-seam-connect"
STARTUP_TIMEOUT = 60.0
RESET_PATH = "/_test/reset"
_READY = re.compile(rb"^READY (\d+)\s*$", re.MULTILINE)


class FakeSeamUnavailableError(RuntimeError):
    """The fake server cannot be started (no Node, no node_modules, or it crashed)."""


class FakeSeamProcess:
    """The running Node process of the fake and the port it listens on."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log: IO[bytes]) -> None:
        """Keep the process, its port and its log file."""
        self.process = process
        self.port = port
        self._log = log

    @classmethod
    def start(cls, *, port: int = 0, timeout: float = STARTUP_TIMEOUT) -> FakeSeamProcess:
        """Start the fake and wait for its `READY <port>` line; raise a clear error otherwise."""
        node = shutil.which("node")
        if node is None:
            raise FakeSeamUnavailableError(
                "Node.js is not on PATH: the Seam fake server needs Node >= 18 "
                "(install it, then run scripts/setup)."
            )
        if not (FAKE_PACKAGE_DIR / "package.json").is_file():
            raise FakeSeamUnavailableError(
                f"{FAKE_PACKAGE_DIR.relative_to(REPO_ROOT)} is missing: run scripts/setup "
                "(it runs `npm ci`) to install Seam's fake server."
            )
        # stdout and stderr go to a file, not a pipe: nothing can block the server by filling
        # a pipe nobody reads. stdin is a pipe we never write: when this process dies, the
        # pipe closes and the server exits (--exit-on-stdin-close), so no orphan is left.
        log = tempfile.TemporaryFile(prefix="fake-seam-")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(
            [node, str(SERVER_SCRIPT), str(port), "--exit-on-stdin-close"],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while True:
            output = _read_all(log)
            if match := _READY.search(output):
                return cls(process, int(match.group(1)), log)
            if process.poll() is not None:
                log.close()
                raise FakeSeamUnavailableError(
                    f"The Seam fake server exited with code {process.returncode} before "
                    f"listening:\n{output.decode(errors='replace')}"
                )
            if time.monotonic() > deadline:
                _terminate(process)
                log.close()
                raise FakeSeamUnavailableError(
                    f"The Seam fake server did not print READY within {timeout:.0f} s:\n"
                    f"{output.decode(errors='replace')}"
                )
            time.sleep(0.02)

    def output(self) -> str:
        """Everything the server wrote so far (for failure messages)."""
        return _read_all(self._log).decode(errors="replace")

    def stop(self) -> None:
        """Terminate the server and close its log."""
        _terminate(self.process)
        self._log.close()


def _read_all(log: IO[bytes]) -> bytes:
    log.seek(0)
    return log.read()


def _terminate(process: subprocess.Popen[bytes]) -> None:
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


class FakeSeam:
    """Handle on the running fake: its URL, the seeded credentials and the test hooks."""

    api_key = "seam_apikey1_token"
    # A second, valid key of another seeded workspace (`seed_workspace_2`, no devices).
    other_api_key = "seam_apikey2_token"
    workspace_id = "seed_workspace_1"
    # Seeded devices: three locks, a thermostat and a noise sensor.
    lock_ids = ("august_device_1", "august_device_2", "schlage_device_id")
    non_lock_ids = ("ecobee_device_1", "minut_device_1")

    def __init__(self, port: int) -> None:
        """Point at the fake listening on `port` of the loopback interface."""
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def __repr__(self) -> str:
        """Show the URL."""
        return f"FakeSeam(url={self.url!r})"

    def reset(self) -> None:
        """Restore the state the fake had right after seeding (blocking, about 1 ms).

        Clears everything tests changed: devices, action attempts, access codes, events,
        webhooks, simulated outages and the id counters (ids start again at `..1`).
        """
        # Blocking is fine here: this runs in a sync fixture, outside the event loop.
        request = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1
            f"{self.url}{RESET_PATH}",
            data=b"{}",
            headers={"content-type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                body = json.loads(response.read())
        except (OSError, ValueError) as err:
            raise FakeSeamUnavailableError(f"Resetting the Seam fake failed: {err}") from err
        if body.get("ok") is not True:
            raise FakeSeamUnavailableError(f"Resetting the Seam fake failed: {body}")

    async def use_svix_secrets(self, session: aiohttp.ClientSession) -> None:
        """Webhooks created from now on get a Svix secret (`whsec_`), as in production.

        The fake's own `fake_secret_<hex>` cannot verify anything; it never delivers either, so
        tests sign deliveries themselves with the secret it handed out.
        """
        await self._post(session, "/_test/svix_secrets", {})

    async def update_action_attempt(
        self,
        session: aiohttp.ClientSession,
        action_attempt_id: str,
        status: str,
        error: Mapping[str, str] | None = None,
        *,
        result: Any = None,
    ) -> None:
        """Set an action attempt's status (`pending`, `success` or `error`).

        `error` is Seam's `{"type": ..., "message": ...}` and is required by the fake for
        `error`; `result` is used for `success` (e.g. `{"was_confirmed_by_device": False}`).
        """
        body: dict[str, Any] = {"action_attempt_id": action_attempt_id, "status": status}
        if status == "error":
            body["error"] = dict(error or {"type": "uncategorized_error", "message": "Failed"})
        elif status == "success" and result is not None:
            body["result"] = result
        await self._post(session, "/_fake/update_action_attempt", body)

    async def simulate_outage(
        self,
        session: aiohttp.ClientSession,
        routes: Sequence[str],
        workspace_id: str | None = None,
    ) -> None:
        """Make `routes` (e.g. `["/devices/list"]`) answer 503 with an empty body.

        Replaces the previous outage of the workspace; an empty list ends it. Only requests
        authenticated to that workspace are affected (auth errors still come first).
        """
        await self._post(
            session,
            "/_fake/simulate_workspace_outage",
            {"workspace_id": workspace_id or self.workspace_id, "routes": list(routes)},
        )

    async def end_outage(self, session: aiohttp.ClientSession) -> None:
        """End the simulated outage of the seeded workspace."""
        await self.simulate_outage(session, [])

    async def _post(self, session: aiohttp.ClientSession, path: str, body: Any) -> Any:
        async with session.post(f"{self.url}{path}", json=body) as response:
            text = await response.text()
            if response.status != 200:
                raise AssertionError(
                    f"Seam fake hook {path} answered {response.status}: {text[:500]}"
                )
            return json.loads(text) if text else None


@pytest.fixture(scope="session")
def fake_seam_process() -> Generator[FakeSeamProcess]:
    """Start Seam's fake server once per test session."""
    failure: str | None = None
    try:
        server = FakeSeamProcess.start()
    except FakeSeamUnavailableError as err:
        failure = str(err)
    if failure is not None:
        pytest.fail(failure, pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_seam(
    socket_enabled: None,
    fake_seam_process: FakeSeamProcess,
) -> FakeSeam:
    """The fake, reset to its seeded state; sockets are enabled for the test."""
    if fake_seam_process.process.poll() is not None:
        pytest.fail("The Seam fake server died:\n" + fake_seam_process.output(), pytrace=False)
    fake = FakeSeam(fake_seam_process.port)
    fake.reset()
    return fake
