"""Which entities of new locks start enabled, within Home Assistant's cap per entry."""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_platform, entity_registry as er

from .data import EntityPlan

# The most entities of one lock that start enabled: the lock, its activity, door, connectivity,
# battery and keypad battery (battery status starts disabled anyway).
ENABLED_ENTITIES_PER_LOCK = 6


def plan_entities(
    hass: HomeAssistant, entry_id: str, device_ids: Iterable[str], *, first: bool
) -> dict[str, EntityPlan]:
    """Decide which entities of these locks start enabled, within Home Assistant's cap.

    Home Assistant adds at most `MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY` (10,000) enabled
    entities to an entry and the platforms would race for them. In a workspace too large
    for all of them the locks come first: lock entities start enabled up to the cap, and
    every other entity (and any lock past the cap) starts disabled, for the user to enable.
    `first`: these are every lock of the entry, so no entity of it counts yet.
    """
    cap = entity_platform.MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY
    if first:
        budget = cap
    else:
        budget = cap - sum(
            entity.disabled_by is None
            for entity in er.async_entries_for_config_entry(er.async_get(hass), entry_id)
        )
    device_ids = list(device_ids)
    fits = len(device_ids) * ENABLED_ENTITIES_PER_LOCK <= budget
    return {
        device_id: EntityPlan(lock_enabled=number < budget, others_enabled=fits)
        for number, device_id in enumerate(device_ids)
    }
