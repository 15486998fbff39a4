"""The integration in the real Home Assistant against Seam's own fake server."""

from __future__ import annotations

from custom_components.seam.const import CONF_API_URL, DOMAIN
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from tests.fake_seam import FakeSeam


async def test_seeded_workspace_through_the_config_flow_then_lock_and_unlock(
    hass: HomeAssistant, fake_seam: FakeSeam
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: fake_seam.api_key, "advanced": {CONF_API_URL: fake_seam.url}},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert entry.unique_id == fake_seam.workspace_id
    assert entry.state is ConfigEntryState.LOADED

    # Exactly the three seeded locks; the thermostat and the noise sensor are not locks.
    locks = sorted(hass.states.async_entity_ids(LOCK_DOMAIN))
    assert len(locks) == 3
    names = sorted(hass.states.get(entity_id).name for entity_id in locks)
    assert "Front Door" in names
    assert "Back Door" in names

    front = next(e for e in locks if hass.states.get(e).name == "Front Door")
    for service, expected in (("unlock", LockState.UNLOCKED), ("lock", LockState.LOCKED)):
        await hass.services.async_call(LOCK_DOMAIN, service, {ATTR_ENTITY_ID: front}, blocking=True)
        assert hass.states.get(front).state == expected


async def test_unknown_key_is_refused_on_the_form(hass: HomeAssistant, fake_seam: FakeSeam) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: "seam_not_a_key", "advanced": {CONF_API_URL: fake_seam.url}},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
