"""`python -m demo` (what `scripts/develop` runs): the Seam integration in a real Home Assistant.

Starts Seam's fake server (or uses the real Seam API when SEAM_API_KEY is set) and Home Assistant
with its config folder in .ha-config/, finishes onboarding with the user demo / demo, sets up
the Seam integration, prints the URL and waits. Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import contextlib
from datetime import date, timedelta
import hashlib
import json
import os
from pathlib import Path
import shutil
import signal
import sys
import time
from types import FrameType

from .stack import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LOOPBACK,
    REAL_API_URL,
    REPO_ROOT,
    HomeAssistant,
    SeamServer,
    StackError,
    free_port,
)

MARKER = ".seam-demo.json"  # which Seam entry this folder has, so a rerun keeps it


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/develop",
        description=(
            "Run Home Assistant with the Seam integration, against Seam's fake server or, "
            "with SEAM_API_KEY set, the real Seam API (SEAM_API_URL overrides its address)."
        ),
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8123,
        help="Home Assistant's port (default 8123; another free one if it is taken)",
    )
    parser.add_argument(
        "--host",
        default=LOOPBACK,
        help="address Home Assistant listens on (default 127.0.0.1; 0.0.0.0 for the network)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=REPO_ROOT / ".ha-config",
        help="Home Assistant's config folder (default .ha-config/)",
    )
    parser.add_argument(
        "--delay",
        default="1-2",
        help="how long the fake locks take, in seconds, or a range (default 1-2)",
    )
    parser.add_argument("--reset", action="store_true", help="start from an empty config folder")
    return parser.parse_args(argv)


def _say(message: str = "") -> None:
    # OSError: the terminal went away; stopping must go on regardless.
    with contextlib.suppress(OSError):
        print(message, flush=True)


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _ensure_seam_entry(ha: HomeAssistant, api_key: str, api_url: str) -> str:
    """Keep the folder's Seam entry if it is for this key and URL, else replace it."""
    marker_path = ha.config_dir / MARKER
    target = {"api_url": api_url, "key_sha256": hashlib.sha256(api_key.encode()).hexdigest()}
    try:
        marker = json.loads(marker_path.read_text())
    except (OSError, ValueError):
        marker = {}
    entries = ha.config_entries("seam")
    if marker.get("target") == target and any(
        e["entry_id"] == marker.get("entry_id") for e in entries
    ):
        entry = ha.wait_for_entry(marker["entry_id"])
        return str(entry["title"])
    for entry in entries:
        ha.delete_config_entry(entry["entry_id"])
    marker_path.unlink(missing_ok=True)
    entry = ha.add_seam(api_key, api_url)
    marker_path.write_text(json.dumps({"target": target, "entry_id": entry["entry_id"]}))
    return str(entry["title"])


def _ensure_rental_calendar(ha: HomeAssistant) -> None:
    """A local calendar "Rental" with two sample stays, for the booking calendar to read."""
    if ha.config_entries("local_calendar"):
        return
    calendar = ha.add_local_calendar("Rental")
    today = date.today()
    ha.add_calendar_event(
        calendar, "Reserved - Ana Silva", today + timedelta(days=2), today + timedelta(days=5)
    )
    ha.add_calendar_event(
        calendar,
        "Tom Becker",
        today + timedelta(days=6),
        today + timedelta(days=8),
        description="Phone Number (Last 4 Digits): 4821",
    )


def _print_banner(
    ha: HomeAssistant, seam: SeamServer | None, seam_line: str, workspace: str, seconds: float
) -> None:
    locks = [s["attributes"].get("friendly_name", s["entity_id"]) for s in ha.states("lock")]
    _say()
    _say(f"Ready in {seconds:.1f} s.")
    _say()
    _say(f"  Home Assistant  {ha.url}")
    _say(f"  Log in as       {DEMO_USERNAME} / {DEMO_PASSWORD}")
    _say(f"  Seam            {seam_line}")
    _say(f"  Workspace       {workspace}: {', '.join(locks) or 'no locks'}")
    _say()
    _say("  The locks are under Overview > Devices; click one to lock or unlock it.")
    _say(
        "  Rental hosts: Settings > Devices & services > Seam > Add booking calendar, pick"
        " 'Rental' (two sample stays): each gets a door code on the locks."
    )
    if seam is not None:
        _say("  Make the next unlock fail (the failure shows under Notifications):")
        _say(
            f"    curl -X POST {seam.url}/_demo/fail_next -H 'content-type: application/json' "
            """-d '{"action": "unlock", "error": {"type": "uncategorized_error", """
            """"message": "The bolt is jammed"}}'"""
        )
    _say(f"  Logs: {ha.config_dir / 'home-assistant.log'}")
    _say()
    _say("Press Ctrl-C to stop.")


def _watch(ha: HomeAssistant, seam: SeamServer | None) -> int:
    """Wait until Ctrl-C (return 0) or until a process dies (return 1)."""
    watched = [("Home Assistant", ha.process)]
    if seam is not None:
        watched.append(("Seam's fake server", seam.process))
    while True:
        for name, process in watched:
            if not process.running:
                _say(f"{name} stopped unexpectedly (see {process.log_path}):")
                _say(process.log_tail())
                return 1
        try:
            time.sleep(0.5)
        except KeyboardInterrupt:
            _say()
            return 0


def main(argv: list[str]) -> int:
    """Run the demo until Ctrl-C; return the exit code."""
    started = time.monotonic()
    args = _parse_args(argv)
    config_dir: Path = args.config.resolve()
    if args.reset and config_dir.exists():
        shutil.rmtree(config_dir)
    config_dir.mkdir(parents=True, exist_ok=True)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_keyboard_interrupt)

    real_key = os.environ.get("SEAM_API_KEY", "").strip()
    seam: SeamServer | None = None
    ha: HomeAssistant | None = None
    try:
        probe_host = LOOPBACK if args.host in ("0.0.0.0", "::") else args.host  # noqa: S104
        port = free_port(args.port, probe_host)
        if real_key:
            api_key = real_key
            api_url = os.environ.get("SEAM_API_URL", "").strip() or REAL_API_URL
            seam_line = f"the real Seam API at {api_url} (key from SEAM_API_KEY)"
        else:
            seam = SeamServer.start(
                config_dir / "seam-server.log", port=free_port(port + 1), delay=args.delay
            )
            api_key, api_url = seam.api_key, seam.url
            seam_line = (
                f"Seam's fake server at {seam.url} (API key {seam.api_key}; "
                f"locks take {args.delay} s)"
            )
        _say(f"Starting Home Assistant on port {port} (config folder {config_dir}) ...")
        ha = HomeAssistant.start(config_dir, port=port, host=args.host)
        ha.onboard()
        workspace = _ensure_seam_entry(ha, api_key, api_url)
        _ensure_rental_calendar(ha)
        _print_banner(ha, seam, seam_line, workspace, time.monotonic() - started)
        return _watch(ha, seam)
    except KeyboardInterrupt:
        _say()
        return 0
    except StackError as err:
        _say(f"develop: {err}")
        return 1
    finally:
        # Ignore further Ctrl-C (or SIGTERM) while stopping: it must not leave processes behind.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        _say("Stopping ...")
        if ha is not None:
            ha.stop()
        if seam is not None:
            seam.stop()
        _say("Stopped.")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
