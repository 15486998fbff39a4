"""The integration in a real Home Assistant, used the way a person would, in Chromium.

Starts Seam's fake server (demo/seam_server.mjs: locks take 1.5-2 s, failures on demand) and
Home Assistant (`hass`, onboarded, Seam not yet set up) as processes, then in the browser: log
in on the login page, add Seam under Settings > Devices & services by typing the API key, find
the locks on the dashboard, lock the unlocked one and watch it go Unlocked > Locking > Locked,
then make Seam fail an unlock and find the failure, with the lock's name and Seam's reason, in
the toast and under Notifications. A second test, on a stack of its own, adds a booking calendar
(a local calendar with guests' stays) to the Seam entry and finds its bookings' door codes.

Screenshots go to test-results/e2e/, each test's logs to test-results/e2e/<test name>/. With
SEAM_UPDATE_DOCS_IMAGES=1 the pictures the documentation shows are also copied to docs/images/.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time as clock, timedelta
import os
from pathlib import Path
import shutil
import time
from typing import Any

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
    StackError,
    free_port,
)
from tests.e2e.conftest import PHASE_REPORTS

ARTIFACTS = REPO_ROOT / "test-results" / "e2e"
DOCS_IMAGES = REPO_ROOT / "docs" / "images"
# Screenshots (in ARTIFACTS) that docs/DEMO.md and README.md show.
DOCS_PICTURES = (
    "config_flow.png",
    "dashboard.png",
    "locking.png",
    "failure_notification.png",
    "booking_calendar_form.png",
    "booking_calendar_added.png",
    "booking_codes.png",
)
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
# For pictures of a dialog taller than VIEWPORT, cropped to the dialog: the whole form shows.
TALL_VIEWPORT: ViewportSize = {"width": 1280, "height": 1500}
TIMEOUT_MS = 20_000
DELAY = "1.5-2"  # seconds a lock takes at Seam's fake server

FRONT_DOOR = ("august_device_1", "Front Door")  # locked at the start
BACK_DOOR = ("august_device_2", "Back Door")  # unlocked at the start
BATHROOM_DOOR = ("schlage_device_id", "Bathroom Door")  # locked at the start
JAM = ("uncategorized_error", "The bolt is jammed")
LOCKS = (BACK_DOOR, BATHROOM_DOOR, FRONT_DOOR)  # as the booking calendar's form lists them


@dataclass
class Stack:
    """What the test talks to besides the browser."""

    seam: SeamServer
    ha: HomeAssistant


@pytest.fixture(scope="module")
def artifacts() -> Path:
    """test-results/e2e/, emptied once for the tests of this module."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@pytest.fixture
def logs(artifacts: Path, request: pytest.FixtureRequest) -> Path:
    """test-results/e2e/<test name>/: the test's logs, and failure.png if it fails."""
    folder = artifacts / str(request.node.name)
    folder.mkdir()
    return folder


@pytest.fixture
def stack(socket_enabled: None, tmp_path: Path, logs: Path) -> Iterator[Stack]:
    """Seam's fake server and an onboarded Home Assistant without the Seam integration."""
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
                    shutil.copy(config / log, logs / log)
    finally:
        seam.stop()
        shutil.copy(tmp_path / "seam-server.log", logs / "seam-server.log")


def _chromium() -> str:
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("No Chromium: run scripts/setup (it installs Debian's chromium).", pytrace=False)


@pytest.fixture
def page(stack: Stack, logs: Path, request: pytest.FixtureRequest) -> Iterator[Page]:
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
                    page.screenshot(path=logs / "failure.png")
        finally:
            browser.close()


def _shot(page: Page, name: str, of: Locator | None = None) -> None:
    """A screenshot of the page, or cropped to `of` (e.g. a dialog)."""
    if of is None:
        page.screenshot(path=ARTIFACTS / name)
    else:
        of.screenshot(path=ARTIFACTS / name)


def _settle(page: Page) -> None:
    """Move the mouse off the page's content and wait for its animations (a click's ripple)."""
    page.mouse.move(VIEWPORT["width"] - 1, VIEWPORT["height"] - 1)
    page.wait_for_function(_NO_ANIMATION)


# Whether no animation runs, in the document or in any shadow root (the frontend's are).
_NO_ANIMATION = """() => {
    const roots = [document];
    while (roots.length) {
        const root = roots.pop();
        if (root.getAnimations().some(animation => animation.playState === 'running')) {
            return false;
        }
        for (const element of root.querySelectorAll('*')) {
            if (element.shadowRoot) roots.push(element.shadowRoot);
        }
    }
    return true;
}"""


def _update_docs_pictures() -> None:
    """With SEAM_UPDATE_DOCS_IMAGES=1, copy the documentation's pictures to docs/images/."""
    if os.environ.get("SEAM_UPDATE_DOCS_IMAGES"):
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        for name in DOCS_PICTURES:
            if (ARTIFACTS / name).exists():
                shutil.copy(ARTIFACTS / name, DOCS_IMAGES / name)


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

    _update_docs_pictures()
    print(f"browser steps took {time.monotonic() - started:.1f} s")


# --- A booking calendar ------------------------------------------------------------------------

CALENDAR = "Rental"


@dataclass(frozen=True)
class Stay:
    """A booking in the calendar, and what the integration makes of it."""

    summary: str
    start: date | datetime
    end: date | datetime
    guest: str
    check_in: datetime
    check_out: datetime

    @property
    def code_name(self) -> str:
        """The name of its codes at Seam, and of the booking in the sensor."""
        return f"{self.guest} {self.check_in.date().isoformat()}"


def _stays(today: date) -> tuple[Stay, ...]:
    """An all-day stay (the default check-in and check-out times apply) and a timed one."""
    day = timedelta(days=1)
    arrival, departure = today + 2 * day, today + 5 * day
    timed_in = datetime.combine(today + 6 * day, clock(15), UTC)
    timed_out = datetime.combine(today + 8 * day, clock(10), UTC)
    return (
        Stay(
            "Ana Silva",
            arrival,
            departure,  # the day after the last night: iCalendar's end of an all-day event
            guest="Ana Silva",
            check_in=datetime.combine(arrival, clock(16), UTC),
            check_out=datetime.combine(departure, clock(11), UTC),
        ),
        Stay(
            "Reserved - Tom Becker",
            timed_in,
            timed_out,
            guest="Tom Becker",
            check_in=timed_in,
            check_out=timed_out,
        ),
    )


def _seam_errors(ha: HomeAssistant) -> list[str]:
    """Errors the integration logged (its logger is at debug level in the demo's YAML)."""
    log = ha.config_dir / "home-assistant.log"
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [line for line in lines if " ERROR " in line and "custom_components.seam" in line]


def _wait_for_state(
    ha: HomeAssistant, entity_id: str, state: str, timeout: float = 20.0
) -> dict[str, Any]:
    """Wait until the entity is in `state`; return its state object."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            answer: dict[str, Any] = ha.api("GET", f"/api/states/{entity_id}")
        except StackError:  # 404 until the entity exists
            answer = {}
        if answer.get("state") == state:
            return answer
        if time.monotonic() > deadline:
            pytest.fail(f"{entity_id} is {answer.get('state')!r}, not {state!r}: {answer}")
        time.sleep(0.2)


def _fill_booking_calendar_form(page: Page, flow: Locator) -> None:
    """Pick the calendar; keep the defaults: every lock, 16:00 / 11:00, random code, 14 days."""
    picker = flow.locator("ha-selector-entity")
    picker.get_by_text("Select an entity").click()
    # A popover named after the field, with a search box and the calendars.
    choices = picker.get_by_role("dialog", name="Booking calendar", exact=True)
    choices.get_by_placeholder("Search").fill(CALENDAR)
    choices.get_by_text(CALENDAR, exact=True).click()
    expect(choices).to_be_hidden()
    expect(picker.get_by_text(CALENDAR, exact=True)).to_be_visible()

    for _, name in LOCKS:
        expect(flow.get_by_role("checkbox", name=name, exact=True)).to_be_checked()
    for field, hours, half in (("Check-in time", "4", "PM"), ("Check-out time", "11", "AM")):
        time_field = flow.get_by_role("group", name=field)
        expect(time_field.get_by_role("spinbutton", name="hh")).to_have_value(hours)
        expect(time_field.get_by_role("spinbutton", name="mm")).to_have_value("00")
        expect(time_field).to_match_aria_snapshot(f"- listitem: {half}")  # the AM/PM menu
    expect(flow.get_by_role("radio", name="A random code (recommended)")).to_be_checked()
    expect(flow.get_by_role("spinbutton", name="Create codes ahead")).to_have_value("14")
    expect(flow.get_by_text("Send each new code to")).to_be_visible()

    # The form is taller than the window: in a taller one, the dialog shows all of it.
    page.set_viewport_size(TALL_VIEWPORT)
    submit = flow.get_by_role("button", name="Submit")
    submit.click(trial=True)  # waits until the dialog has stopped growing
    expect(flow.get_by_text("Send each new code to")).to_be_in_viewport(ratio=1)
    # The flow's dialog panel (the picker's popover, also a dialog, comes after it).
    _settle(page)
    _shot(page, "booking_calendar_form.png", of=flow.get_by_role("dialog").first)
    page.set_viewport_size(VIEWPORT)


def test_booking_calendar_in_the_browser(stack: Stack, page: Page) -> None:
    """Add a booking calendar to the Seam entry; its bookings get door codes at Seam."""
    seam, ha = stack.seam, stack.ha
    started = time.monotonic()
    # Seam, set up over the REST API (the first test does it in the browser), and a local
    # calendar with two stays and dates the host blocked (which get no code).
    ha.add_seam(seam.api_key, seam.url)
    calendar = ha.add_local_calendar(CALENDAR)
    today = datetime.now(UTC).date()  # Home Assistant's time zone is UTC in the demo
    stays = _stays(today)
    for stay in stays:
        ha.add_calendar_event(calendar, stay.summary, stay.start, stay.end)
    blocked = today + timedelta(days=9)
    ha.add_calendar_event(calendar, "Not available", blocked, blocked + timedelta(days=2))
    sensor = f"sensor.{CALENDAR.lower()}_door_codes"

    # Settings > Devices & services > Seam > Add booking calendar.
    _log_in(page, ha)
    page.goto(f"{ha.url}/config/integrations/integration/seam")
    page.get_by_role("button", name="Add booking calendar").click()
    flow = page.locator("dialog-data-entry-flow")
    expect(flow.get_by_text("Every booking in the calendar gets a door code")).to_be_visible()
    _fill_booking_calendar_form(page, flow)
    flow.get_by_role("button", name="Submit").click()
    expect(flow.get_by_text(f"Created configuration for {CALENDAR}.")).to_be_visible()
    _shot(page, "booking_calendar_created.png")
    flow.get_by_role("button", name="Finish").click()
    expect(flow).to_be_hidden()

    # The calendar is listed under the Seam entry, with its own service device. The locks'
    # group is folded so that both show.
    page.get_by_text("Devices that don't belong to a sub-entry").click()
    expect(page.get_by_text("Back Door", exact=True)).to_be_hidden()
    _settle(page)
    subentry = page.get_by_role("listitem").filter(
        has=page.get_by_role("button", name="Change booking calendar")
    )
    expect(subentry).to_contain_text(CALENDAR)
    expect(subentry).to_contain_text("Booking calendar")
    device_row = page.get_by_role("listitem").filter(has_text="Booking calendar •")
    expect(device_row).to_contain_text(CALENDAR)
    expect(device_row).to_contain_text("1 entity")
    _wait_for_state(ha, sensor, "scheduled")  # the entry has reloaded and checked the calendar
    _shot(page, "booking_calendar_added.png")

    # The calendar's device: its Door codes sensor says the codes are scheduled.
    device_row.get_by_text(CALENDAR, exact=True).click()
    page.wait_for_url(f"{ha.url}/config/devices/device/**")
    door_codes = page.locator("ha-card").filter(has_text="Sensors").get_by_text("Door codes")
    expect(door_codes).to_be_visible()
    expect(page.locator("ha-card").filter(has_text="Sensors")).to_contain_text("Scheduled")
    _settle(page)
    _shot(page, "booking_device.png")

    # The sensor's details list each booking and its code on every lock (never the PIN).
    door_codes.click()
    dialog = page.locator("ha-more-info-dialog")
    expect(dialog.get_by_text("Scheduled", exact=True)).to_be_visible()
    dialog.get_by_role("button", name="Menu").click()
    page.get_by_role("menuitem", name="Details").click()
    attributes = dialog.get_by_role("list", name="Attributes")
    # The lists' rows show their text through slots, which only the accessibility tree joins.
    expect(dialog.get_by_role("list", name="Entity")).to_match_aria_snapshot(
        "- listitem: State Scheduled"
    )
    bookings = ".*".join(stay.code_name for stay in stays)  # in their order, as YAML
    expect(attributes).to_match_aria_snapshot(
        f"""
        - listitem: /Bookings .*{bookings}.*/
        - listitem: Failing codes 0
        - listitem: Scheduled codes {len(stays) * len(LOCKS)}
        """
    )
    expect(dialog.get_by_text("Not available")).to_have_count(0)
    page.set_viewport_size(TALL_VIEWPORT)
    expect(dialog.get_by_text("Scheduled codes")).to_be_in_viewport(ratio=1)  # the last row
    _settle(page)
    _shot(page, "booking_codes.png", of=dialog.get_by_role("dialog").first)
    page.set_viewport_size(VIEWPORT)

    # What Home Assistant and Seam hold: a scheduled code per stay and lock, none for the
    # blocked dates, each valid from check-in to check-out.
    attributes_now = ha.api("GET", f"/api/states/{sensor}")["attributes"]
    assert attributes_now["scheduled"] == len(stays) * len(LOCKS)
    assert (attributes_now["active"], attributes_now["failing"]) == (0, 0)
    assert [
        (b["booking"], b["check_in"], b["check_out"], b["codes"])
        for b in attributes_now["bookings"]
    ] == [
        (
            stay.code_name,
            stay.check_in.isoformat(),
            stay.check_out.isoformat(),
            {name: "scheduled" for _, name in LOCKS},
        )
        for stay in stays
    ]
    for device_id, name in LOCKS:
        codes = seam.access_codes(device_id)
        assert sorted(
            (c["name"], c["type"], c["starts_at"][:19], c["ends_at"][:19]) for c in codes
        ) == sorted(
            (
                stay.code_name,
                "time_bound",
                stay.check_in.replace(tzinfo=None).isoformat(),
                stay.check_out.replace(tzinfo=None).isoformat(),
            )
            for stay in stays
        ), name
        assert all(c["code"] for c in codes), name
    assert _seam_errors(ha) == []

    _update_docs_pictures()
    print(f"booking calendar steps took {time.monotonic() - started:.1f} s")
