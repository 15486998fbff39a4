"""Add a booking calendar to a Seam workspace (a config subentry), or change one.

The host picks the calendar, the locks its guests open, the check-in and check-out times of
all-day bookings, how each code is chosen, how far ahead codes are made, and optionally where
each new code is sent. Like every config flow, only administrators can run it.
"""

from __future__ import annotations

from typing import Any

import probatio

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TimeSelector,
)

from .booking_settings import (
    CODE_PHONE,
    CODE_RANDOM,
    CONF_CALENDAR,
    CONF_CHECK_IN,
    CONF_CHECK_OUT,
    CONF_CODE_SOURCE,
    CONF_LOCKS,
    CONF_LOOK_AHEAD,
    CONF_NOTIFY,
    DEFAULT_CHECK_IN,
    DEFAULT_CHECK_OUT,
    DEFAULT_LOOK_AHEAD,
    MAX_LOOK_AHEAD,
)
from .notify_host import notify_targets


class BookingCalendarFlow(ConfigSubentryFlow):
    """A booking calendar whose guests get door codes on the chosen locks."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Add a calendar."""
        return await self._async_step("user", user_input)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a calendar's settings; its bookings keep their codes and PINs.

        The calendar itself stays: its bookings (and their codes) are that calendar's. Another
        calendar is another booking calendar.
        """
        return await self._async_step("reconfigure", user_input)

    async def _async_step(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> SubentryFlowResult:
        entry = self._get_entry()
        if entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="entry_not_loaded")
        locks = self._lock_options()
        if not locks:
            return self.async_abort(reason="no_code_locks")
        reconfiguring = step_id == "reconfigure"
        current = dict(self._get_reconfigure_subentry().data) if reconfiguring else {}
        errors: dict[str, str] = {}
        if user_input is not None:
            if reconfiguring:
                user_input = {**user_input, CONF_CALENDAR: current[CONF_CALENDAR]}
            calendar = user_input[CONF_CALENDAR]
            # The calendar is chosen once; a reconfigure keeps it (even if it is gone now).
            taken = not reconfiguring and any(
                sub.unique_id == calendar for sub in entry.subentries.values()
            )
            if taken:
                errors[CONF_CALENDAR] = "calendar_already_configured"
            elif not reconfiguring and self.hass.states.get(calendar) is None:
                errors[CONF_CALENDAR] = "calendar_not_found"
            elif not user_input.get(CONF_LOCKS):
                errors[CONF_LOCKS] = "no_locks"
            else:
                data = {**user_input, CONF_LOOK_AHEAD: int(user_input[CONF_LOOK_AHEAD])}
                state = self.hass.states.get(calendar)
                if state is not None:
                    title = state.name
                elif reconfiguring:
                    title = self._get_reconfigure_subentry().title
                else:
                    title = calendar
                if reconfiguring:
                    return self.async_update_and_abort(
                        entry,
                        self._get_reconfigure_subentry(),
                        title=title,
                        unique_id=calendar,
                        data=data,
                    )
                return self.async_create_entry(title=title, data=data, unique_id=calendar)
            current = user_input
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                self._schema(locks, with_calendar=not reconfiguring),
                current or {CONF_LOCKS: [o["value"] for o in locks]},
            ),
            errors=errors,
        )

    def _lock_options(self) -> list[SelectOptionDict]:
        """The workspace's locks on which Seam can program codes."""
        devices = self._get_entry().runtime_data.coordinator.data.values()
        return sorted(
            (
                SelectOptionDict(value=device.device_id, label=device.name)
                for device in devices
                if device.can_program_online_access_codes is not None
            ),
            key=lambda option: option["label"].casefold(),
        )

    def _schema(self, locks: list[SelectOptionDict], *, with_calendar: bool) -> probatio.Schema:
        notify = [
            SelectOptionDict(value=value, label=label) for value, label in notify_targets(self.hass)
        ]
        calendar: dict[Any, Any] = (
            {
                probatio.Required(CONF_CALENDAR): EntitySelector(
                    EntitySelectorConfig(domain="calendar")
                )
            }
            if with_calendar
            else {}
        )
        return probatio.Schema(
            {
                **calendar,
                probatio.Required(CONF_LOCKS): SelectSelector(
                    SelectSelectorConfig(options=locks, multiple=True)
                ),
                probatio.Required(CONF_CHECK_IN, default=DEFAULT_CHECK_IN): TimeSelector(),
                probatio.Required(CONF_CHECK_OUT, default=DEFAULT_CHECK_OUT): TimeSelector(),
                probatio.Required(CONF_CODE_SOURCE, default=CODE_RANDOM): SelectSelector(
                    SelectSelectorConfig(
                        options=[CODE_RANDOM, CODE_PHONE],
                        translation_key=CONF_CODE_SOURCE,
                        mode=SelectSelectorMode.LIST,
                    )
                ),
                probatio.Required(CONF_LOOK_AHEAD, default=DEFAULT_LOOK_AHEAD): NumberSelector(
                    NumberSelectorConfig(
                        min=1,
                        max=MAX_LOOK_AHEAD,
                        step=1,
                        mode=NumberSelectorMode.BOX,
                        unit_of_measurement="days",
                    )
                ),
                probatio.Optional(CONF_NOTIFY): SelectSelector(
                    SelectSelectorConfig(options=notify, mode=SelectSelectorMode.DROPDOWN)
                ),
            }
        )
