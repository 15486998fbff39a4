"""Config flow: an API key, proven against Seam, makes one entry per workspace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import probatio

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
)
from homeassistant.const import CONF_API_KEY
from homeassistant.core import callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .api import (
    SeamClient,
    SeamConnectionError,
    SeamError,
    SeamInvalidInputError,
    SeamRateLimitedError,
    SeamServerError,
    SeamTimeoutError,
    SeamUnauthorizedError,
    Workspace,
)
from .booking_flow import BookingCalendarFlow
from .booking_settings import SUBENTRY_BOOKING_CALENDAR
from .const import CONF_API_URL, DEFAULT_API_URL, DOMAIN, LOGGER

_API_KEY_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
SECTION_ADVANCED = "advanced"
# Checking a key tries once more, half a second later, before the form says "cannot connect":
# the user is waiting for the answer.
CHECK_RETRY_DELAYS = (0.5,)


def _schema(user_input: Mapping[str, Any] | None) -> probatio.Schema:
    """Build the form: the key is never shown back; the URL keeps what was typed."""
    url = ((user_input or {}).get(SECTION_ADVANCED) or {}).get(CONF_API_URL, DEFAULT_API_URL)
    return probatio.Schema(
        {
            probatio.Required(CONF_API_KEY): _API_KEY_SELECTOR,
            # Optional with a default, so a submission without the section keeps the URL shown.
            probatio.Optional(SECTION_ADVANCED, default={}): section(
                probatio.Schema({probatio.Required(CONF_API_URL, default=url): _URL_SELECTOR}),
                {"collapsed": True},
            ),
        }
    )


def _entry_data(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """What an entry stores of the form: the key (trimmed) and the API URL."""
    advanced = user_input.get(SECTION_ADVANCED) or {}
    return {
        CONF_API_KEY: user_input[CONF_API_KEY].strip(),
        CONF_API_URL: (advanced.get(CONF_API_URL) or "").strip() or DEFAULT_API_URL,
    }


class SeamConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a Seam workspace with its API key."""

    VERSION = 1

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """A workspace takes booking calendars, whose guests get door codes."""
        return {SUBENTRY_BOOKING_CALENDAR: BookingCalendarFlow}

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the API key; the API URL waits in a collapsed "Advanced options" section."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = _entry_data(user_input)
            if (workspace := await self._async_validate(data, errors)) is not None:
                await self.async_set_unique_id(workspace.workspace_id)
                self._abort_if_unique_id_configured()
                return self.async_create_entry(title=workspace.name, data=data)
        return self.async_show_form(step_id="user", data_schema=_schema(user_input), errors=errors)

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Seam rejected the stored key: ask for a new one."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Take a new API key for the same workspace."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, CONF_API_KEY: user_input[CONF_API_KEY].strip()}
            if (workspace := await self._async_validate(data, errors)) is not None:
                await self.async_set_unique_id(workspace.workspace_id)
                self._abort_if_unique_id_mismatch(reason="wrong_account")
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=probatio.Schema({probatio.Required(CONF_API_KEY): _API_KEY_SELECTOR}),
            description_placeholders={"workspace": entry.title},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the API key (or URL) of a workspace already set up."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            # Keep what the entry holds besides key and URL (its webhook ids and secret).
            data = {**entry.data, **_entry_data(user_input)}
            if (workspace := await self._async_validate(data, errors)) is not None:
                await self.async_set_unique_id(workspace.workspace_id)
                self._abort_if_unique_id_mismatch(reason="wrong_account")
                return self.async_update_reload_and_abort(entry, data=data)
        current = {CONF_API_URL: entry.data.get(CONF_API_URL, DEFAULT_API_URL)}
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_schema(user_input or {SECTION_ADVANCED: current}),
            errors=errors,
        )

    async def _async_validate(
        self, user_input: Mapping[str, Any], errors: dict[str, str]
    ) -> Workspace | None:
        """Ask Seam for the key's workspace; fill `errors` and return None when that fails."""
        api_key: str = user_input[CONF_API_KEY]
        if not api_key or not api_key.isprintable() or any(c.isspace() for c in api_key):
            # No Seam key has spaces or control characters; as a header it would not even send.
            errors["base"] = "invalid_auth"
            return None
        client = SeamClient(
            async_get_clientsession(self.hass),
            api_key,
            base_url=user_input[CONF_API_URL],
            retry_delays=CHECK_RETRY_DELAYS,
        )
        try:
            return await client.get_workspace()
        except SeamUnauthorizedError:
            errors["base"] = "invalid_auth"
        except (SeamConnectionError, SeamTimeoutError, SeamServerError, SeamRateLimitedError):
            errors["base"] = "cannot_connect"
        except SeamError as err:
            # Seam's fake server answers an unknown key with 400 missing_workspace_id (so
            # would a personal access token, which this flow does not take): a key problem.
            if isinstance(err, SeamInvalidInputError) and err.error_type == "missing_workspace_id":
                errors["base"] = "invalid_auth"
            else:
                LOGGER.exception("Unexpected answer from Seam while checking the API key")
                errors["base"] = "unknown"
        return None
