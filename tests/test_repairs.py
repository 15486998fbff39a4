"""Repair issues: one per problem a user must fix outside Home Assistant, gone when fixed."""

from __future__ import annotations

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.seam.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from tests.conftest import advance, setup_integration
from tests.simulator import SeamSimulator


def our_issues(hass: HomeAssistant) -> dict[str, ir.IssueEntry]:
    registry = ir.async_get(hass)
    return {key[1]: issue for key, issue in registry.issues.items() if key[0] == DOMAIN}


async def test_account_problem_is_one_issue_and_clears_itself(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    error = {
        "error_code": "account_disconnected",
        "message": "Account password changed",
        "is_connected_account_error": True,
    }
    front = simulator.add_lock("Front Door", errors=[error])
    back = simulator.add_lock("Back Door", errors=[error])
    await setup_integration(hass, config_entry)
    issues = our_issues(hass)
    assert len(issues) == 1
    [issue] = issues.values()
    assert issue.translation_key == "account_disconnected"
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["message"] == "Account password changed"
    assert issue.severity is ir.IssueSeverity.ERROR

    front.errors = []
    back.errors = []
    await advance(hass, 31)
    assert our_issues(hass) == {}


async def test_device_problems_known_and_unknown(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    simulator.add_lock(
        "Front Door", errors=[{"error_code": "hub_disconnected", "message": "Hub offline"}]
    )
    simulator.add_lock(
        "Back Door", errors=[{"error_code": "brand_new_problem", "message": "Something new"}]
    )
    simulator.add_lock("Side Door", errors=[{"error_code": "device_offline", "message": "Off"}])
    await setup_integration(hass, config_entry)
    keys = sorted(issue.translation_key or "" for issue in our_issues(hass).values())
    # Offline is shown as unavailable, not as a repair; an unknown code still surfaces.
    assert keys == ["device_error", "hub_disconnected"]


async def test_removing_the_entry_removes_its_issues(
    hass: HomeAssistant, simulator: SeamSimulator, config_entry: MockConfigEntry
) -> None:
    simulator.add_lock(
        "Front Door", errors=[{"error_code": "subscription_required", "message": "Pay"}]
    )
    await setup_integration(hass, config_entry)
    assert len(our_issues(hass)) == 1
    assert await hass.config_entries.async_remove(config_entry.entry_id)
    assert our_issues(hass) == {}
