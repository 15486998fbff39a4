"""The integration in a real Home Assistant, used the way a person would, in Chromium.

Starts Seam's fake server (demo/seam_server.mjs: locks take 1.5-2 s, failures on demand) and
Home Assistant (`hass`, onboarded, Seam not yet set up) as processes, then in the browser: log
in on the login page, add Seam under Settings > Devices & services by typing the API key, find
the locks on the dashboard, lock the unlocked one and watch it go Unlocked > Locking > Locked,
then make Seam fail an unlock and find the failure, with the lock's name and Seam's reason, in
the toast and under Notifications.

Screenshots and logs go to test-results/e2e/. With SEAM_UPDATE_DOCS_IMAGES=1 the pictures the
documentation shows are also copied to docs/images/.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
from dataclasses import dataclass
import os
from pathlib import Path
import shutil
import time

from playwright.sync_api import (
    Error as PlaywrightError,
    Locator,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)
import pytest

from demo.stack import (
    CHROMIUM_ARGS,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    REPO_ROOT,
    HomeAssistant,
    SeamServer,
    free_port,
)
from tests.e2e.conftest import PHASE_REPORTS

ARTIFACTS = REPO_ROOT / "test-results" / "e2e"
DOCS_IMAGES = REPO_ROOT / "docs" / "images"
# Screenshots (in ARTIFACTS) that docs/DEMO.md shows.
DOCS_PICTURES = ("config_flow.png", "dashboard.png", "locking.png", "failure_notification.png")
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
TIMEOUT_MS = 20_000
DELAY = "1.5-2"  # seconds a lock takes at Seam's fake server

FRONT_DOOR = ("august_device_1", "Front Door")  # locked at the start
BACK_DOOR = ("august_device_2", "Back Door")  # unlocked at the start
JAM = ("uncategorized_error", "The bolt is jammed")


@dataclass
class Stack:
    """What the test talks to besides the browser."""

    seam: SeamServer
    ha: HomeAssistant


@pytest.fixture
def stack(socket_enabled: None, tmp_path: Path) -> Iterator[Stack]:
    """Seam's fake server and an onboarded Home Assistant without the Seam integration."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    config = tmp_path / "config"
    seam = SeamServer.start(tmp_path / "seam-server.log", delay=DELAY)
    try:
        ha = HomeAssistant.start(config, port=free_port())
        try:
            ha.onboard()
            yield Stack(seam, ha)
        finally:
            ha.stop()
            for log in ("home-assistant.log", "home-assistant.console.log"):
                if (config / log).exists():
                    shutil.copy(config / log, ARTIFACTS / log)
    finally:
        seam.stop()
        shutil.copy(tmp_path / "seam-server.log", ARTIFACTS / "seam-server.log")


def _chromium() -> str:
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("No Chromium: run scripts/setup (it installs Debian's chromium).", pytrace=False)


@pytest.fixture
def page(stack: Stack, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh Chromium page; on failure its last screen is saved as failure.png."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport=VIEWPORT, locale="en-US", timezone_id="UTC", color_scheme="light"
            )
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            expect.set_options(timeout=TIMEOUT_MS)
            yield page
            reports = request.node.stash.get(PHASE_REPORTS, {})
            if "call" in reports and reports["call"].failed:
                with contextlib.suppress(PlaywrightError):  # e.g. the browser crashed
                    page.screenshot(path=ARTIFACTS / "failure.png")
        finally:
            browser.close()


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / name)


def _log_in(page: Page, ha: HomeAssistant) -> None:
    page.goto(ha.url)
    page.wait_for_url("**/auth/authorize?**")
    page.get_by_role("textbox", name="Username").fill(DEMO_USERNAME)
    page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
    _shot(page, "login.png")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{ha.url}/home/**")  # the Overview dashboard
    # The frontend is connected once it knows the user.
    page.wait_for_function("() => !!document.querySelector('home-assistant')?.hass?.user")


def _show_advanced_options(page: Page) -> None:
    """Turn on the user's advanced mode (Profile > Advanced mode), as a developer would.

    Forms may keep fields like Seam's API URL for advanced mode; ours is there to point the
    integration at the fake server.
    """
    page.evaluate(
        """() => document.querySelector('home-assistant').hass.callWS({
            type: 'frontend/set_user_data', key: 'core', value: {showAdvanced: true}})"""
    )


def _add_seam(page: Page, ha: HomeAssistant, seam: SeamServer) -> None:
    page.goto(f"{ha.url}/config/integrations/dashboard")
    page.get_by_role("button", name="Add integration").click()
    brands = page.locator("dialog-add-integration")
    brands.get_by_placeholder("Search for a brand name").fill("Seam")
    brands.get_by_role("button", name="Seam", exact=True).click()

    flow = page.locator("dialog-data-entry-flow")
    expect(flow.get_by_text("Connect to Seam")).to_be_visible()
    flow.get_by_role("textbox", name="API key").fill(seam.api_key)
    url_field = flow.get_by_role("textbox", name="API URL")
    if not url_field.is_visible():  # in a collapsed "Advanced options" section
        flow.get_by_text("Advanced options").click()
    url_field.fill(seam.url)
    submit = flow.get_by_role("button", name="Submit")
    submit.click(trial=True)  # waits until the dialog has stopped growing
    expect(url_field).to_be_in_viewport(ratio=1)
    _shot(page, "config_flow.png")
    submit.click()

    # Home Assistant lists the devices it found, to name them and give them areas.
    finish = flow.get_by_role("button", name="Skip and finish")
    expect(finish).to_be_visible()
    names = flow.get_by_role("textbox", name="Device name")
    expect(names).to_have_count(3)
    assert sorted(names.nth(i).input_value() for i in range(3)) == [
        "Back Door",
        "Bathroom Door",
        "Front Door",
    ]
    _shot(page, "config_flow_done.png")
    finish.click()
    expect(flow).to_be_hidden()
    entries = ha.config_entries("seam")
    assert [(e["title"], e["state"]) for e in entries] == [("My Workspace", "loaded")]


def _open_devices_view(page: Page, ha: HomeAssistant) -> None:
    """Overview > Devices: devices without an area, the Seam locks among them."""
    page.goto(f"{ha.url}/home/overview")
    page.locator("ha-tile-container:visible").filter(has_text="Devices").first.click()
    page.wait_for_url(f"{ha.url}/home/other-devices")


def _lock_row(page: Page, name: str) -> Locator:
    return page.locator("hui-lock-entity-row").filter(has_text=name)


def _more_info(page: Page, name: str) -> Locator:
    """Open the lock's dialog from its row on the dashboard."""
    _lock_row(page, name).get_by_text(name, exact=True).click()
    dialog = page.locator("ha-more-info-dialog")
    expect(dialog.get_by_text(name, exact=True)).to_be_visible()
    return dialog


def _close(page: Page, dialog: Locator) -> None:
    page.keyboard.press("Escape")
    expect(dialog.get_by_role("switch")).to_be_hidden()


def test_seam_in_the_browser(stack: Stack, page: Page) -> None:
    """Log in, add Seam, see the locks, lock one, and see a failed unlock explained."""
    seam, ha = stack.seam, stack.ha
    assert ha.config_entries("seam") == []  # nothing set up before the browser does it
    started = time.monotonic()

    # Log in on the login page and add Seam in Settings > Devices & services.
    _log_in(page, ha)
    _show_advanced_options(page)
    _add_seam(page, ha, seam)

    # The locks are on the dashboard, as Seam reports them.
    _open_devices_view(page, ha)
    for name, action in (
        ("Front Door", "Unlock"),
        ("Back Door", "Lock"),
        ("Bathroom Door", "Unlock"),
    ):
        button = _lock_row(page, name).get_by_role("button", name=action, exact=True)
        expect(button).to_be_visible()
    _shot(page, "dashboard.png")

    # Lock the unlocked Back Door: Locking while Seam works (1-2 s), then Locked.
    dialog = _more_info(page, BACK_DOOR[1])
    expect(dialog.get_by_text("Unlocked", exact=True)).to_be_visible()
    dialog.get_by_role("switch", name="Lock", exact=True).click()
    locking = dialog.get_by_text("Locking", exact=True)
    expect(locking).to_be_visible(timeout=5_000)
    page.wait_for_timeout(600)  # the switch's animation; Seam takes at least 1.5 s (DELAY)
    if locking.is_visible():
        _shot(page, "locking.png")
    expect(dialog.get_by_text("Locked", exact=True)).to_be_visible()
    _shot(page, "locked.png")
    assert ha.api("GET", "/api/states/lock.back_door")["state"] == "locked"
    _close(page, dialog)
    expect(_lock_row(page, BACK_DOOR[1]).get_by_role("button", name="Unlock")).to_be_visible()

    # Seam fails the next unlock of the Front Door: the error reaches the screen twice.
    seam.fail_next("unlock", device_id=FRONT_DOOR[0], error_type=JAM[0], message=JAM[1])
    dialog = _more_info(page, FRONT_DOOR[1])
    expect(dialog.get_by_text("Locked", exact=True)).to_be_visible()
    dialog.get_by_role("switch", name="Unlock", exact=True).click()
    expect(dialog.get_by_text("Unlocking", exact=True)).to_be_visible(timeout=5_000)
    # The toast of the failed action, while the lock shows what Seam reports again.
    toast = page.locator("ha-toast")
    expect(toast).to_contain_text(f"Seam could not unlock {FRONT_DOOR[1]}")
    expect(toast).to_contain_text(JAM[1])
    _shot(page, "failure_toast.png")
    expect(dialog.get_by_text("Locked", exact=True)).to_be_visible()
    assert ha.api("GET", "/api/states/lock.front_door")["state"] == "locked"
    _close(page, dialog)

    # The toast goes; the notification stays until a later command on the lock works.
    expect(toast).to_be_hidden(timeout=30_000)
    page.get_by_role("button", name="Notifications").click()
    drawer = page.locator("notification-drawer")
    notification = drawer.locator("notification-item").filter(
        has_text=f"{FRONT_DOOR[1]}: unlock failed"
    )
    expect(notification).to_be_visible()
    # A trial click waits until the drawer has stopped sliding in.
    notification.get_by_role("button", name="Dismiss").click(trial=True)
    expect(notification).to_contain_text(JAM[1])
    expect(notification).to_contain_text(JAM[0])
    _shot(page, "failure_notification.png")

    if os.environ.get("SEAM_UPDATE_DOCS_IMAGES"):
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        for name in DOCS_PICTURES:
            if (ARTIFACTS / name).exists():
                shutil.copy(ARTIFACTS / name, DOCS_IMAGES / name)
    print(f"browser steps took {time.monotonic() - started:.1f} s")
