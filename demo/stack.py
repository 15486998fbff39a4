"""Start, prepare and stop the demo stack: Seam's fake server and a real Home Assistant.

Used by `scripts/develop` (through `python -m demo`) and by the browser test in tests/e2e/.
Every child runs in its own process group and is stopped with it; on Linux each child also gets
SIGTERM if the Python process that started it dies, so nothing outlives the stack.
"""

from __future__ import annotations

import contextlib
import ctypes
from dataclasses import dataclass
from datetime import date, datetime
import json
import os
from pathlib import Path
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

REPO_ROOT = Path(__file__).resolve().parents[1]
SEAM_SERVER_SCRIPT = REPO_ROOT / "demo" / "seam_server.mjs"
INTEGRATION_DIR = REPO_ROOT / "custom_components" / "seam"
LOOPBACK = "127.0.0.1"

# The API key Seam's fake server is seeded with (workspace "My Workspace", three locks).
FAKE_API_KEY = "seam_apikey1_token"
REAL_API_URL = "https://connect.getseam.com"

# Debian's Chromium as Playwright drives it here (the browser test, the benchmark's picture):
# headless, and with nothing that would reach for the internet, which this machine has not.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"
DEMO_NAME = "Demo"

_PR_SET_PDEATHSIG = 1
_READY = re.compile(rb"^READY (\d+)\s*$", re.MULTILINE)
# Requests to 127.0.0.1 never go through a proxy, whatever the environment says.
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class StackError(RuntimeError):
    """A part of the stack did not start or did not answer as expected."""


def free_port(preferred: int | None = None, host: str = LOOPBACK) -> int:
    """Return `preferred` if nothing listens there, else a free port chosen by the system."""
    if preferred:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, preferred))
            except OSError:
                pass
            else:
                return preferred
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _die_with_parent() -> None:
    """Run in the child before exec: ask Linux for SIGTERM when the parent dies."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class ManagedProcess:
    """A child process in its own process group, with its output in a log file."""

    def __init__(self, name: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
        """Wrap a started process."""
        self.name = name
        self.process = process
        self.log_path = log_path

    @classmethod
    def spawn(
        cls,
        name: str,
        args: list[str],
        *,
        log_path: Path,
        cwd: Path,
        env: dict[str, str] | None = None,
        stdin_pipe: bool = False,
    ) -> ManagedProcess:
        """Start `args` in a new session; stdout and stderr go to `log_path` (truncated)."""
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 - our own commands, no shell
                args,
                cwd=cwd,
                env=env,
                stdin=subprocess.PIPE if stdin_pipe else subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - only calls prctl
            )
        return cls(name, process, log_path)

    @property
    def running(self) -> bool:
        """The process has not exited."""
        return self.process.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the log (for error messages)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM the process group, SIGKILL what is left after `timeout` seconds."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        pgid = self.process.pid  # leader of its own session and process group
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=timeout)
        # Whatever is still in the group (the leader if it hung, or children it left).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


# --- Seam's fake server ----------------------------------------------------------------------


def _wait_for_ready_line(process: ManagedProcess, deadline: float) -> int:
    """Wait for the `READY <port>` line of demo/seam_server.mjs; return the port."""
    while not (match := _READY.search(process.log_path.read_bytes())):
        if not process.running or time.monotonic() > deadline:
            raise StackError(
                f"Seam's fake server did not start (see {process.log_path}):\n{process.log_tail()}"
            )
        time.sleep(0.05)
    return int(match.group(1))


@dataclass
class SeamServer:
    """demo/seam_server.mjs: Seam's fake with real-looking lock timing and failure injection."""

    process: ManagedProcess
    port: int
    api_key: str = FAKE_API_KEY

    @property
    def url(self) -> str:
        """The API URL to configure (always 127.0.0.1)."""
        return f"http://{LOOPBACK}:{self.port}"

    @classmethod
    def start(
        cls, log_path: Path, *, port: int = 0, delay: str = "1-2", timeout: float = 30.0
    ) -> SeamServer:
        """Start the server and wait for its `READY <port>` line."""
        node = shutil.which("node")
        if node is None:
            raise StackError("Node.js is not on PATH: run scripts/setup (Seam's fake needs Node).")
        if not (REPO_ROOT / "node_modules" / "@seamapi" / "fake-seam-connect").is_dir():
            raise StackError("Seam's fake server is not installed: run scripts/setup.")
        process = ManagedProcess.spawn(
            "Seam fake server",
            [
                node,
                str(SEAM_SERVER_SCRIPT),
                "--port",
                str(port),
                "--delay",
                delay,
                "--exit-on-stdin-close",
            ],
            log_path=log_path,
            cwd=REPO_ROOT,
            stdin_pipe=True,
        )
        try:
            return cls(process, _wait_for_ready_line(process, time.monotonic() + timeout))
        except BaseException:  # including Ctrl-C: never leave it running
            process.stop()
            raise

    def _post(self, path: str, body: dict[str, Any]) -> None:
        status, answer = http_json("POST", f"{self.url}{path}", json_body=body)
        if status != 200:
            raise StackError(f"Seam fake server {path} answered {status}: {answer}")

    def fail_next(
        self,
        action: str,
        *,
        device_id: str | None = None,
        error_type: str = "uncategorized_error",
        message: str = "The lock did not respond to the command.",
    ) -> None:
        """Make the next `action` ("lock"/"unlock") of `device_id` (or any lock) fail."""
        body: dict[str, Any] = {"action": action, "error": {"type": error_type, "message": message}}
        if device_id is not None:
            body["device_id"] = device_id
        self._post("/_demo/fail_next", body)

    def reset(self) -> None:
        """Back to the seeded state."""
        self._post("/_demo/reset", {})

    def access_codes(self, device_id: str) -> list[dict[str, Any]]:
        """The access codes Seam holds for a lock, as `/access_codes/list` answers."""
        status, answer = http_json(
            "POST",
            f"{self.url}/access_codes/list",
            json_body={"device_id": device_id},
            token=self.api_key,
        )
        if status != 200 or not isinstance(answer, dict):
            raise StackError(f"Seam fake server /access_codes/list answered {status}: {answer}")
        # The fake answers with every code of the workspace, whatever the device_id.
        return [code for code in answer["access_codes"] if code["device_id"] == device_id]

    def stop(self) -> None:
        """Stop the server."""
        self.process.stop(timeout=5)


# --- HTTP ------------------------------------------------------------------------------------


def http_json(
    method: str,
    url: str,
    *,
    json_body: Any = None,
    form: dict[str, str] | None = None,
    token: str | None = None,
    timeout: float = 30.0,
) -> tuple[int, Any]:
    """One HTTP request; returns the status and the decoded JSON body (or text, or None)."""
    headers = {"accept": "application/json"}
    data: bytes | None = None
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers["content-type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["content-type"] = "application/x-www-form-urlencoded"
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with _HTTP.open(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    text = raw.decode(errors="replace")
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


# --- Home Assistant --------------------------------------------------------------------------

# Integrations the demo (and the tests) set up as config entries, besides Seam: a local calendar
# holds the rental demo's bookings. Their requirements are installed with Home Assistant's own.
CONFIG_ENTRY_INTEGRATIONS = ("local_calendar",)

CONFIGURATION_YAML = """\
# Written by the Seam demo (demo/stack.py) at every start: changes here are overwritten.
# Put your own YAML in packages/ (one file per package) instead.
#
# Lean on purpose: no default_config (it pulls in bluetooth, zeroconf, cloud and more, which
# need hardware or the internet). This is what the login page, Settings > Devices & services,
# the dashboard and notifications need. The HTTP server's address is in .storage/http (this
# Home Assistant no longer takes it from YAML).
homeassistant:
  name: Seam demo
  country: US
  time_zone: UTC
  unit_system: metric
  packages: !include_dir_named packages

frontend:
config:
logger:
  default: warning
  logs:
    custom_components.seam: debug
    # No ffmpeg or libturbojpeg here, and no camera or media to need them.
    haffmpeg: critical
    homeassistant.components.camera.img_util: critical
"""


def _write_store(config_dir: Path, key: str, version: int, minor: int, data: Any) -> None:
    """Write one of Home Assistant's .storage files (before it starts)."""
    storage = config_dir / ".storage"
    storage.mkdir(exist_ok=True)
    document = {"version": version, "minor_version": minor, "key": key, "data": data}
    path = storage / key
    path.write_text(json.dumps(document, indent=2))
    path.chmod(0o600)


def write_config(config_dir: Path, *, port: int, host: str = LOOPBACK) -> None:
    """Prepare `config_dir` for Home Assistant: YAML, HTTP address, onboarding, integration.

    - configuration.yaml (always rewritten) and an empty packages/ folder;
    - the HTTP server's address as the confirmed ("stable") HTTP config, always rewritten:
      since 2026 Home Assistant stores it and treats `http:` YAML as a one-off import that it
      reverts (with a restart) unless confirmed in the UI within 5 minutes;
    - on a fresh folder, onboarding's "core_config" step marked done: finishing it over the
      API would set up the weather, radio and text-to-speech integrations, which need the
      internet, and a shopping list. The owner account and the other steps are done through
      the onboarding API (`HomeAssistant.onboard`);
    - custom_components/seam: a symlink to this repository's integration.
    """
    # Imported here: Home Assistant is only needed once a stack is started.
    from homeassistant.components.http import config as http_config  # noqa: PLC0415
    from homeassistant.components.onboarding import (  # noqa: PLC0415
        STORAGE_KEY as ONBOARDING_KEY,
        STORAGE_VERSION as ONBOARDING_VERSION,
        const as onboarding_const,
    )

    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "packages").mkdir(exist_ok=True)
    (config_dir / "configuration.yaml").write_text(CONFIGURATION_YAML)

    stable = dict(http_config.HTTP_STORAGE_SCHEMA({"server_host": [host], "server_port": port}))
    stable |= {"created_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())}
    stable |= {"error": None, "error_message": None}
    _write_store(
        config_dir,
        http_config.STORAGE_KEY,
        http_config.STORAGE_VERSION,
        http_config.STORAGE_MINOR_VERSION,
        {"stable": stable, "pending": None, "yaml_migration_done": True},
    )
    if not (config_dir / ".storage" / ONBOARDING_KEY).exists():
        _write_store(
            config_dir,
            ONBOARDING_KEY,
            ONBOARDING_VERSION,
            1,
            {"done": [onboarding_const.STEP_CORE_CONFIG]},
        )

    custom = config_dir / "custom_components"
    custom.mkdir(exist_ok=True)
    link = custom / "seam"
    target = Path(os.path.relpath(INTEGRATION_DIR, custom))
    if link.is_symlink() and Path(os.readlink(link)) == target:
        return
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.exists():
        shutil.rmtree(link)
    link.symlink_to(target, target_is_directory=True)


def _fill_form(schema: list[dict[str, Any]], values: dict[str, Any]) -> dict[str, Any]:
    """Answer a config flow form: each value under its field, also inside sections.

    The form as the flow API describes it: fields, and sections (`"type": "expandable"`) with
    their own fields, e.g. an "Advanced options" section holding the API URL.
    """
    answer: dict[str, Any] = {}
    for field in schema:
        name = field["name"]
        if field.get("type") == "expandable":
            inner = _fill_form(field.get("schema") or [], values)
            if inner:
                answer[name] = inner
        elif name in values:
            answer[name] = values[name]
    return answer


class HomeAssistant:
    """A real Home Assistant (`hass -c <config>`) and its REST API."""

    def __init__(self, process: ManagedProcess, url: str, config_dir: Path) -> None:
        """Wrap a started Home Assistant."""
        self.process = process
        self.url = url
        self.config_dir = config_dir
        self.token: str | None = None

    @property
    def client_id(self) -> str:
        """The OAuth client id the frontend uses (the instance's own URL)."""
        return f"{self.url}/"

    @classmethod
    def start(
        cls,
        config_dir: Path,
        *,
        port: int,
        host: str = LOOPBACK,
        timeout: float = 120.0,
    ) -> HomeAssistant:
        """Write the config, start Home Assistant and wait until its frontend answers."""
        write_config(config_dir, port=port, host=host)
        hass = Path(sys.executable).with_name("hass")
        if not hass.exists():
            raise StackError(f"{hass} is missing: run scripts/setup.")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        process = ManagedProcess.spawn(
            "Home Assistant",
            # --skip-pip: everything is in the venv already; never install at run time.
            [str(hass), "-c", str(config_dir), "--skip-pip", "--log-no-color"],
            log_path=config_dir / "home-assistant.console.log",
            cwd=config_dir,
            env=env,
        )
        url_host = LOOPBACK if host in ("0.0.0.0", "::") else host  # noqa: S104
        instance = cls(process, f"http://{url_host}:{port}", config_dir)
        try:
            instance.wait_until_up(timeout)
        except BaseException:  # including Ctrl-C: never leave it running
            process.stop()
            raise
        return instance

    def wait_until_up(self, timeout: float) -> None:
        """Wait until the frontend and the REST API answer (the server starts last)."""
        deadline = time.monotonic() + timeout
        while True:
            if not self.process.running:
                raise StackError(
                    f"Home Assistant exited with code {self.process.process.returncode} "
                    f"(see {self.process.log_path}):\n{self.process.log_tail()}"
                )
            with contextlib.suppress(OSError):
                status, _ = http_json("GET", f"{self.url}/manifest.json", timeout=5)
                if status == 200:
                    # Needs no token (a request with a wrong one would notify "login failed");
                    # 400 "onboarding_required" until there is a user.
                    status, _ = http_json("GET", f"{self.url}/auth/providers", timeout=5)
                    if status in (200, 400):
                        return
            if time.monotonic() > deadline:
                raise StackError(
                    f"Home Assistant did not answer within {timeout:.0f} s "
                    f"(see {self.process.log_path}):\n{self.process.log_tail()}"
                )
            time.sleep(0.25)

    def stop(self) -> None:
        """Stop Home Assistant (it saves its state on SIGTERM)."""
        self.process.stop(timeout=30)

    # REST helpers.

    def api(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        expect: tuple[int, ...] = (200,),
        auth: bool = True,
    ) -> Any:
        """Call the REST API with the stack's token; raise StackError on another status."""
        status, answer = http_json(
            method, f"{self.url}{path}", json_body=body, token=self.token if auth else None
        )
        if status not in expect:
            raise StackError(f"{method} {path} answered {status}: {answer}")
        return answer

    def _token_from_code(self, code: str) -> str:
        status, answer = http_json(
            "POST",
            f"{self.url}/auth/token",
            form={"grant_type": "authorization_code", "code": code, "client_id": self.client_id},
        )
        if status != 200 or not isinstance(answer, dict) or "access_token" not in answer:
            raise StackError(f"/auth/token answered {status}: {answer}")
        token: str = answer["access_token"]
        return token

    def onboarding_done(self) -> dict[str, bool]:
        """Which onboarding steps are done (all when onboarding was finished earlier)."""
        status, steps = http_json("GET", f"{self.url}/api/onboarding")
        if status == 404:  # Home Assistant only offers the API while onboarding is unfinished
            return dict.fromkeys(("user", "core_config", "analytics", "integration"), True)
        if status != 200:
            raise StackError(f"GET /api/onboarding answered {status}: {steps}")
        return {step["step"]: bool(step["done"]) for step in steps}

    def onboard(
        self,
        username: str = DEMO_USERNAME,
        password: str = DEMO_PASSWORD,
        name: str = DEMO_NAME,
    ) -> None:
        """Finish onboarding as a browser would: the owner account, then the other steps.

        When the owner exists already (an earlier run), log in as it instead.
        """
        done = self.onboarding_done()
        if not done.get("user", False):
            answer = self.api(
                "POST",
                "/api/onboarding/users",
                {
                    "client_id": self.client_id,
                    "name": name,
                    "username": username,
                    "password": password,
                    "language": "en",
                },
                auth=False,
            )
            self.token = self._token_from_code(answer["auth_code"])
        else:
            self.login(username, password)
        if not done.get("core_config", False):  # only when the folder was not prepared
            self.api("POST", "/api/onboarding/core_config", {})
        if not done.get("analytics", False):
            self.api("POST", "/api/onboarding/analytics", {})
        if not done.get("integration", False):
            self.api(
                "POST",
                "/api/onboarding/integration",
                {"client_id": self.client_id, "redirect_uri": f"{self.url}/?auth_callback=1"},
            )

    def login(self, username: str = DEMO_USERNAME, password: str = DEMO_PASSWORD) -> None:
        """Log in through the login flow (what the login page does) and keep the token."""
        flow = self.api(
            "POST",
            "/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.url}/?auth_callback=1",
            },
            auth=False,
        )
        answer = self.api(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            {"client_id": self.client_id, "username": username, "password": password},
            auth=False,
        )
        if answer.get("type") != "create_entry":
            raise StackError(
                f"Cannot log in to Home Assistant as {username!r}: {answer.get('errors')}. "
                "Start again from a fresh config folder (scripts/develop --reset)."
            )
        self.token = self._token_from_code(answer["result"])

    def config_entries(self, domain: str) -> list[dict[str, Any]]:
        """The config entries of `domain` (entry_id, title, state, ...)."""
        entries: list[dict[str, Any]] = self.api(
            "GET", f"/api/config/config_entries/entry?domain={domain}"
        )
        return entries

    def delete_config_entry(self, entry_id: str) -> None:
        """Remove a config entry."""
        self.api("DELETE", f"/api/config/config_entries/entry/{entry_id}")

    def add_seam(self, api_key: str, api_url: str, timeout: float = 60.0) -> dict[str, Any]:
        """Run the Seam config flow with the key and URL, and wait until the entry is set up."""
        flow = self.api(
            "POST",
            "/api/config/config_entries/flow",
            # As a user in advanced mode, should the form keep the URL field for that mode.
            {"handler": "seam", "show_advanced_options": True},
        )
        answer = self.api(
            "POST",
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            _fill_form(flow.get("data_schema") or [], {"api_key": api_key, "api_url": api_url}),
        )
        if answer.get("type") != "create_entry":
            reason = answer.get("errors") or answer.get("reason") or answer
            with contextlib.suppress(StackError):
                self.api("DELETE", f"/api/config/config_entries/flow/{flow['flow_id']}")
            raise StackError(f"Adding Seam ({api_url}) failed: {reason}")
        entry: dict[str, Any] = answer["result"]
        return self.wait_for_entry(entry["entry_id"], timeout)

    def wait_for_entry(
        self, entry_id: str, timeout: float = 60.0, *, domain: str = "seam"
    ) -> dict[str, Any]:
        """Wait until the entry is set up; raise with its state and reason if it fails."""
        deadline = time.monotonic() + timeout
        while True:
            entry = next(
                (e for e in self.config_entries(domain) if e["entry_id"] == entry_id), None
            )
            if entry is None:
                raise StackError(f"Config entry {entry_id} disappeared")
            if entry["state"] == "loaded":
                return entry
            if entry["state"] in ("setup_error", "migration_error", "failed_unload") or (
                time.monotonic() > deadline
            ):
                raise StackError(
                    f"{domain} did not set up: {entry['state']} {entry.get('reason') or ''} "
                    f"(see {self.config_dir / 'home-assistant.log'})"
                )
            time.sleep(0.2)

    def add_local_calendar(self, name: str, timeout: float = 30.0) -> str:
        """Add Home Assistant's local calendar `name` (empty); return its entity id.

        Through the config flow, as Settings > Devices & services > Add integration > Local
        calendar does; its user step asks for the name (and whether to import an .ics file,
        which it does not by default).
        """
        flow = self.api("POST", "/api/config/config_entries/flow", {"handler": "local_calendar"})
        answer = self.api(
            "POST",
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            _fill_form(flow.get("data_schema") or [], {"calendar_name": name}),
        )
        if answer.get("type") != "create_entry":
            reason = answer.get("errors") or answer.get("reason") or answer
            with contextlib.suppress(StackError):
                self.api("DELETE", f"/api/config/config_entries/flow/{flow['flow_id']}")
            raise StackError(f"Adding the local calendar {name!r} failed: {reason}")
        self.wait_for_entry(answer["result"]["entry_id"], timeout, domain="local_calendar")
        # The calendar entity is named after the calendar (its device's name).
        deadline = time.monotonic() + timeout
        while True:
            for state in self.states("calendar"):
                if state["attributes"].get("friendly_name") == name:
                    entity_id: str = state["entity_id"]
                    return entity_id
            if time.monotonic() > deadline:
                raise StackError(f"The local calendar {name!r} has no entity")
            time.sleep(0.2)

    def add_calendar_event(
        self,
        entity_id: str,
        summary: str,
        start: date | datetime,
        end: date | datetime,
        description: str | None = None,
    ) -> None:
        """Add an event to a calendar (calendar.create_event): all-day with dates, else timed.

        For an all-day event `end` is the day after the last day (iCalendar's rule); times
        should carry their time zone.
        """
        body: dict[str, Any] = {"entity_id": entity_id, "summary": summary}
        if isinstance(start, datetime) and isinstance(end, datetime):
            body |= {"start_date_time": start.isoformat(), "end_date_time": end.isoformat()}
        elif not isinstance(start, datetime) and not isinstance(end, datetime):
            body |= {"start_date": start.isoformat(), "end_date": end.isoformat()}
        else:
            raise TypeError("start and end must both be dates or both be datetimes")
        if description is not None:
            body["description"] = description
        self.api("POST", "/api/services/calendar/create_event", body)

    def states(self, domain: str | None = None) -> list[dict[str, Any]]:
        """All entity states, or those of one domain."""
        states: list[dict[str, Any]] = self.api("GET", "/api/states")
        if domain is None:
            return states
        return [s for s in states if s["entity_id"].split(".")[0] == domain]
