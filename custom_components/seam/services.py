"""Actions on Seam locks: give a guest a door code, change it, take it back, list the codes.

Door codes open the house: these actions are for administrators. A call by any other user
raises `Unauthorized` before anything is sent to Seam (Home Assistant's own `admin_only`
check); automations and scripts started by Home Assistant itself have no user and may call them.
Locking and unlocking stay open to every user allowed to control the lock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import probatio

from homeassistant.const import Platform
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv, service
from homeassistant.helpers.typing import VolDictType
from homeassistant.util import dt as dt_util

from .access_codes import AccessCodeAction, LockAccessCodes, access_code_response
from .const import DOMAIN
from .entity import SeamEntity

ATTR_ACCESS_CODE_ID = "access_code_id"
ATTR_NAME = "name"
ATTR_NEW_NAME = "new_name"
ATTR_CODE = "code"
ATTR_STARTS_AT = "starts_at"
ATTR_ENDS_AT = "ends_at"

_TEXT = probatio.All(cv.string, probatio.Strip, probatio.Length(min=1))
_WINDOW: VolDictType = {
    probatio.Optional(ATTR_STARTS_AT): cv.datetime,
    probatio.Optional(ATTR_ENDS_AT): cv.datetime,
}
# Which code: by its Seam id or by its name on the lock (one of them, checked when called).
_WHICH: VolDictType = {
    probatio.Optional(ATTR_ACCESS_CODE_ID): _TEXT,
    probatio.Optional(ATTR_NAME): _TEXT,
}

CREATE_SCHEMA: VolDictType = {
    probatio.Required(ATTR_NAME): _TEXT,
    probatio.Optional(ATTR_CODE): _TEXT,
    **_WINDOW,
}
UPDATE_SCHEMA: VolDictType = {
    **_WHICH,
    probatio.Optional(ATTR_NEW_NAME): _TEXT,
    probatio.Optional(ATTR_CODE): _TEXT,
    **_WINDOW,
}
DELETE_SCHEMA = _WHICH


def _access_codes(entity: SeamEntity) -> LockAccessCodes:
    return LockAccessCodes(entity.coordinator.hass, entity.coordinator, entity.device)


def _time(call: ServiceCall, key: str) -> datetime | None:
    """A time from the action's data; one without a zone is in Home Assistant's time zone."""
    value: datetime | None = call.data.get(key)
    return None if value is None else dt_util.as_local(value)


async def _async_create(entity: SeamEntity, call: ServiceCall) -> ServiceResponse:
    access_code = await _access_codes(entity).async_create(
        call.data[ATTR_NAME],
        call.data.get(ATTR_CODE),
        _time(call, ATTR_STARTS_AT),
        _time(call, ATTR_ENDS_AT),
    )
    return {"access_code": access_code_response(access_code)}


async def _async_update(entity: SeamEntity, call: ServiceCall) -> None:
    await _access_codes(entity).async_update(
        call.data.get(ATTR_ACCESS_CODE_ID),
        call.data.get(ATTR_NAME),
        new_name=call.data.get(ATTR_NEW_NAME),
        code=call.data.get(ATTR_CODE),
        starts_at=_time(call, ATTR_STARTS_AT),
        ends_at=_time(call, ATTR_ENDS_AT),
    )


async def _async_delete(entity: SeamEntity, call: ServiceCall) -> None:
    await _access_codes(entity).async_delete(
        call.data.get(ATTR_ACCESS_CODE_ID), call.data.get(ATTR_NAME)
    )


async def _async_list(entity: SeamEntity, call: ServiceCall) -> ServiceResponse:
    codes = await _access_codes(entity).async_list()
    return {"access_codes": [access_code_response(code) for code in codes]}


_ACTIONS: tuple[
    tuple[AccessCodeAction, VolDictType | None, Callable[..., Awaitable[Any]], SupportsResponse],
    ...,
] = (
    (AccessCodeAction.CREATE, CREATE_SCHEMA, _async_create, SupportsResponse.OPTIONAL),
    (AccessCodeAction.UPDATE, UPDATE_SCHEMA, _async_update, SupportsResponse.NONE),
    (AccessCodeAction.DELETE, DELETE_SCHEMA, _async_delete, SupportsResponse.NONE),
    (AccessCodeAction.LIST, None, _async_list, SupportsResponse.ONLY),
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the access-code actions, which target Seam lock entities."""
    for action, schema, func, supports_response in _ACTIONS:
        service.async_register_platform_entity_service(
            hass,
            DOMAIN,
            action,
            entity_domain=Platform.LOCK,
            admin_only=True,
            schema=schema,
            func=func,
            supports_response=supports_response,
        )
