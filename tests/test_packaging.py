"""What hassfest and the HACS action would check (both need the internet), checked here."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

from awesomeversion import AwesomeVersion
from PIL import Image
import pytest
import yaml

from custom_components.seam.access_code_rules import CODE_RULES
from custom_components.seam.access_codes import AccessCodeAction
from custom_components.seam.const import LockAction
from homeassistant import components
from homeassistant.const import __version__ as HA_VERSION

ROOT = Path(__file__).parent.parent
INTEGRATION = ROOT / "custom_components" / "seam"


def load(name: str) -> Any:
    return json.loads((INTEGRATION / name).read_text())


def test_manifest_keys_present_and_ordered() -> None:
    manifest = load("manifest.json")
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    for required in (
        "codeowners",
        "config_flow",
        "documentation",
        "integration_type",
        "iot_class",
        "issue_tracker",
        "version",
    ):
        assert required in manifest, required
    assert manifest["domain"] == "seam"
    assert manifest["iot_class"] in {"cloud_push", "cloud_polling"}
    assert AwesomeVersion(manifest["version"]).valid
    assert manifest["documentation"].startswith("https://")


def test_hacs_json_has_only_known_keys_and_a_tested_version() -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text())
    known = {
        "name",
        "content_in_root",
        "zip_release",
        "filename",
        "hide_default_branch",
        "country",
        "homeassistant",
        "persistent_directory",
        "render_readme",
        "hacs",
    }
    assert set(hacs) <= known
    assert hacs["name"] == "Seam"
    # The minimum version is the one the tests run: never claim an untested older one.
    assert AwesomeVersion(hacs["homeassistant"]) == AwesomeVersion(HA_VERSION)


def test_english_translation_is_strings_json() -> None:
    assert load("strings.json") == load("translations/en.json")


def test_every_action_and_field_is_translated() -> None:
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text())
    strings = load("strings.json")["services"]
    icons = load("icons.json")["services"]
    assert set(services) == set(strings) == set(icons)
    for action, spec in services.items():
        assert strings[action]["name"]
        assert strings[action]["description"]
        for field in (spec or {}).get("fields", {}):
            assert strings[action]["fields"][field]["name"], f"{action}.{field}"
            assert strings[action]["fields"][field]["description"], f"{action}.{field}"


COMMAND_OUTCOMES = ["failed", "not_confirmed", "rejected"]


def test_every_exception_key_in_the_code_is_translated() -> None:
    exceptions = load("strings.json")["exceptions"]
    code = "\n".join(path.read_text() for path in INTEGRATION.rglob("*.py"))
    literal = set(re.findall(r'translation_key="([a-z_]+)"', code))
    literal |= set(re.findall(r'key = "([a-z_]+)"', code))
    # Keys given by position to the access-code helpers, and notification titles.
    literal |= set(re.findall(r'_invalid\(\s*"([a-z_]+)"', code))
    literal |= set(re.findall(r'"([a-z_]+_title)"', code))
    assert len(literal) > 25  # the patterns still find what they look for
    # Keys built from a lock code constraint or an action's name (failures.command_error).
    literal |= {f"access_code_{constraint}" for constraint in CODE_RULES}
    for action in [*LockAction, *AccessCodeAction]:
        # A list has no action attempt: it can only be rejected.
        outcomes = ["rejected"] if action is AccessCodeAction.LIST else COMMAND_OUTCOMES
        literal |= {f"{action}_{outcome}" for outcome in outcomes}
    for action in LockAction:
        literal |= {f"cannot_{action}_remotely", f"{action}_failed_title"}
    missing = {key for key in literal if key not in exceptions}
    # Entity and repair issue translation keys match the same patterns; they live elsewhere.
    entity_keys = {key for platform in load("strings.json")["entity"].values() for key in platform}
    issue_keys = set(load("strings.json")["issues"])
    assert missing - entity_keys - issue_keys - {"lock"} == set()


def test_icons_name_only_translated_entities() -> None:
    strings = load("strings.json").get("entity", {})
    for platform, entities in load("icons.json")["entity"].items():
        for key in entities:
            assert key == "lock" or key in strings.get(platform, {}), f"{platform}.{key}"


def test_quality_scale_marks_every_rule() -> None:
    """Every rule Home Assistant knows, as its own integrations' quality_scale.yaml list them."""
    rules = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text())["rules"]
    every_rule = {
        rule
        for path in Path(components.__file__).parent.glob("*/quality_scale.yaml")
        for rule in yaml.safe_load(path.read_text()).get("rules", {})
    }
    assert len(every_rule) >= 50  # Bronze to Platinum; a short list means it read nothing
    assert set(rules) == every_rule
    for rule, value in rules.items():
        status = value if isinstance(value, str) else value["status"]
        assert status in {"done", "exempt"}, rule
        if status == "exempt":
            assert value["comment"].strip(), f"{rule} is exempt without a reason"


@pytest.mark.parametrize(
    ("name", "size"), [("icon.png", (256, 256)), ("icon@2x.png", (512, 512)), ("logo.png", None)]
)
def test_brand_images(name: str, size: tuple[int, int] | None) -> None:
    with Image.open(INTEGRATION / "brand" / name) as image:
        assert image.format == "PNG"
        if size is not None:
            assert image.size == size
        else:
            assert image.height >= 128
            assert image.width >= image.height
