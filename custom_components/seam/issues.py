"""Raising the integration's repair issues: each is fixed outside Home Assistant."""

from __future__ import annotations

from collections.abc import Mapping

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN

# Booking calendars raise and clear their own issues (`{entry id}_booking_...`).
BOOKING_ISSUE_PREFIX = "booking_"


@callback
def async_raise_issue(
    hass: HomeAssistant,
    issue_id: str,
    key: str,
    severity: ir.IssueSeverity,
    placeholders: Mapping[str, str],
) -> None:
    """Create or update one issue; it is fixed outside Home Assistant, so not fixable here."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        is_persistent=False,
        severity=severity,
        translation_key=key,
        translation_placeholders=dict(placeholders),
    )
