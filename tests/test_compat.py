"""The parts of scripts/compat that decide: what a release needs installed, what its log says.

The smoke itself (demo/compat.py, a real Home Assistant release in its own environment) runs in
scripts/test after pytest; these tests make sure its verdict on the log can say no, and that
the requirements it installs come from the release's own manifests.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from demo.compat import log_records, offending_records
from demo.ha_requirements import main as write_requirements, read_requirements, requirement_name
from homeassistant.const import __version__ as HA_VERSION

ROOT = Path(__file__).parent.parent

# Records as Home Assistant 2026.11.0 wrote them in smoke runs with a fault put into the
# integration by hand, to see the smoke fail: a deprecated constant used at setup (the report
# ends with the manifest's issue tracker) and at import, a DeprecationWarning, a sensor that
# raises. Then records of the same shape from Home Assistant's helpers.
DEPRECATED_CONSTANT = (
    "2026-12-01 21:25:25.600+00:00 WARNING (MainThread) [homeassistant.const] The deprecated "
    "constant ATTR_VIA_DEVICE was used from seam. It will be removed in HA Core 2027.8. Use "
    "via_device_id instead, please create a bug report at "
    "https://github.com/seam-home-assistant/seam-home-assistant/issues"
)
DEPRECATED_AT_IMPORT = (
    "2026-12-01 21:08:22.594+00:00 WARNING (ImportExecutor_0) [homeassistant.const] The "
    "deprecated constant ATTR_VIA_DEVICE was used from seam. It will be removed in HA Core "
    "2027.8. Use via_device_id instead, please report it to the author of the 'seam' custom "
    "integration"
)
PYTHON_DEPRECATION = (
    "2026-12-01 21:08:22.594+00:00 WARNING (ImportExecutor_0) [py.warnings] /config/"
    "custom_components/seam/__init__.py:6: DeprecationWarning: old thing\n"
    '  warnings.warn("old thing", DeprecationWarning, stacklevel=1)\n'
)
ENTITY_ERROR = (
    "2026-12-01 21:25:50.994+00:00 ERROR (MainThread) [homeassistant.components.sensor] Error "
    "adding entity sensor.front_door_battery for domain sensor with platform seam\n"
    "Traceback (most recent call last):\n"
    '  File "/config/custom_components/seam/sensor.py", line 105, in native_value\n'
    '    raise RuntimeError("boom")\n'
    "RuntimeError: boom"
)
FRAME_REPORT = (
    "2026-12-01 21:08:23.001+00:00 WARNING (MainThread) [homeassistant.helpers.frame] Detected "
    "that custom integration 'seam' calls async_write_ha_state from a thread other than the "
    "event loop at custom_components/seam/lock.py, line 80: self.async_write_ha_state(). "
    "Please create a bug report at "
    "https://github.com/seam-home-assistant/seam-home-assistant/issues"
)
BLOCKING_CALL = (
    "2026-12-01 21:08:23.500+00:00 WARNING (MainThread) [homeassistant.util.loop] Detected "
    "blocking call to open with args ('/config/x',) inside the event loop by custom integration "
    "'seam' at custom_components/seam/diagnostics.py, line 40: open(path)"
)
NO_UNIQUE_IDS = (
    "2026-12-01 21:08:24.000+00:00 ERROR (MainThread) [homeassistant.components.lock] Platform "
    "seam does not generate unique IDs. ID abc already exists - ignoring lock.front_door"
)
TRACEBACK_ELSEWHERE = (
    "2026-12-01 21:08:24.100+00:00 ERROR (MainThread) [homeassistant.core] Error doing job: "
    "Task exception was never retrieved\n"
    "Traceback (most recent call last):\n"
    '  File "/config/custom_components/seam/coordinator.py", line 120, in _async_update_data\n'
    "KeyError: 'device_id'"
)
# Python names a thread it started without a name "Thread-3 (_worker)".
OUR_ERROR_IN_A_THREAD = (
    "2026-12-01 21:08:25.000+00:00 ERROR (Thread-3 (_worker)) [custom_components.seam.webhook] "
    "Could not register the webhook"
)
BENIGN = [
    "2026-12-01 21:07:21.605+00:00 WARNING (MainThread) [homeassistant.bootstrap] Skipping pip "
    "installation of required modules. This may cause issues",
    "2026-12-01 21:07:21.607+00:00 WARNING (SyncWorker_0) [homeassistant.loader] We found a "
    "custom integration seam which has not been tested by Home Assistant. This component might "
    "cause stability problems, be sure to disable it if you experience issues with Home "
    "Assistant",
    "2026-12-01 21:07:21.943+00:00 ERROR (MainThread) [homeassistant.setup] Setup failed for "
    "'analytics': Unable to import component: No module named 'aiohasupervisor'",
    "2026-12-01 21:07:22.593+00:00 WARNING (MainThread) [custom_components.seam] Home Assistant "
    "has no URL that Seam can reach (no Home Assistant Cloud, no external URL): Seam locks are "
    "polled every 30 s instead of pushed",
    # The failed unlock the smoke asks for, as Home Assistant logs any failed action.
    "2026-12-01 21:07:25.572+00:00 ERROR (MainThread) "
    "[homeassistant.components.websocket_api.http.connection] [139693018098048] Error during "
    "service call to lock.unlock: Seam could not unlock Bathroom Door: The bolt is jammed",
    "2026-12-01 21:07:26.000+00:00 DEBUG (MainThread) [custom_components.seam.locks] deprecated "
    "field ignored",
]


def test_the_log_check_finds_deprecations_reports_and_errors_that_name_seam() -> None:
    bad = [
        DEPRECATED_CONSTANT,
        DEPRECATED_AT_IMPORT,
        PYTHON_DEPRECATION,
        ENTITY_ERROR,
        FRAME_REPORT,
        BLOCKING_CALL,
        NO_UNIQUE_IDS,
        TRACEBACK_ELSEWHERE,
        OUR_ERROR_IN_A_THREAD,
    ]
    # Each after a harmless record of ours, whose level it must not take.
    ours_debug = "2026-12-01 21:08:00.000+00:00 DEBUG (MainThread) [custom_components.seam] read"
    log = "\n".join([*BENIGN[:2], *(f"{ours_debug}\n{text}" for text in bad), *BENIGN[2:]])

    found = offending_records(log)

    assert [r.text.strip() for r in found] == [text.strip() for text in bad]
    assert found[-1].level == "ERROR"
    assert found[-1].logger == "custom_components.seam.webhook"


def test_the_log_check_passes_a_clean_start_and_the_failure_it_caused() -> None:
    log = "\n".join(BENIGN)

    assert len(list(log_records(log))) == len(BENIGN)
    assert offending_records(log) == []


def test_requirements_come_from_the_releases_manifests_with_the_overrides(tmp_path: Path) -> None:
    assert write_requirements([str(tmp_path)]) == 0

    wanted = read_requirements(tmp_path / "requirements.txt")
    overrides = read_requirements(ROOT / "requirements_overrides.txt")
    # The frontend pinned by this release's frontend manifest, the intents of its conversation.
    assert wanted["home-assistant-frontend"].startswith("home-assistant-frontend==")
    assert "home-assistant-intents" in wanted
    assert "hass-nabucasa" in wanted  # cloud, which the integration imports when it is loaded
    for name, line in overrides.items():
        assert wanted[name] == line
    constrained = {
        requirement_name(line) for line in (tmp_path / "constraints.txt").read_text().splitlines()
    }
    assert "aiohttp" in constrained
    assert not constrained & set(overrides)
    # What scripts/setup installed into this environment is what this release asks for.
    for name, line in wanted.items():
        assert metadata.version(name) == line.split("==")[1], (name, HA_VERSION)


def test_after_dependencies_add_what_a_first_start_installs(tmp_path: Path) -> None:
    write_requirements([str(tmp_path / "started")])
    write_requirements(["--after-dependencies", str(tmp_path / "installed")])

    started = read_requirements(tmp_path / "started" / "requirements.txt")
    installed = read_requirements(tmp_path / "installed" / "requirements.txt")

    assert set(started) < set(installed)
    assert "aiohasupervisor" in installed  # hassio's, which analytics imports


def test_the_readme_names_the_versions_checked() -> None:
    readme = (ROOT / "README.md").read_text()
    compat = read_requirements(ROOT / "requirements_compat.txt")["homeassistant"]
    newest = compat.split("==")[1]

    assert f"Home Assistant {HA_VERSION} or later is required" in readme
    assert f"\n| {HA_VERSION} | the whole test suite" in readme
    assert f"\n| {newest}, the newest release | the compatibility smoke" in readme
