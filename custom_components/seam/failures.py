"""How a failed command reaches the user: a translated error, and a notification per lock.

A command's outcome reaches the user twice when it fails: as the translated error of the
action call (the dashboard toast, the automation trace) and as a persistent notification per
lock, which a later successful command on that lock dismisses.
"""

from __future__ import annotations

from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import translation

from .api import (
    SeamActionAttemptFailedError,
    SeamActionAttemptTimeoutError,
    SeamApiError,
    SeamConnectionError,
    SeamError,
    SeamNotFoundError,
    SeamRateLimitedError,
    SeamTimeoutError,
    SeamUnauthorizedError,
)
from .const import DOMAIN


def notification_id(device_id: str) -> str:
    """One notification per lock: a new failure replaces the last one."""
    return f"{DOMAIN}_command_{device_id}"


def command_error(err: SeamError, action: str, name: str, **extra: str) -> HomeAssistantError:
    """Translate a Seam failure of a command on the lock `name` into what the user reads.

    The keys `{action}_failed`, `{action}_not_confirmed` and `{action}_rejected` belong to the
    command; the others are shared. `extra` placeholders (e.g. an access code's name) are added.
    """
    placeholders = {"name": name, "request_id": err.request_id or "-", **extra}
    if isinstance(err, SeamApiError):
        placeholders |= {"message": err.message, "error_type": err.error_type or "-"}
    key: str
    match err:
        case SeamActionAttemptFailedError():
            key = f"{action}_failed"
            placeholders |= {"message": err.error_message, "error_type": err.error_type}
        case SeamActionAttemptTimeoutError():
            key = f"{action}_not_confirmed"
            placeholders |= {
                "seconds": f"{err.waited:.0f}",
                "action_attempt_id": err.action_attempt.action_attempt_id,
            }
        case SeamUnauthorizedError():
            key = "command_auth_failed"
        case SeamNotFoundError():
            key = "device_not_found"
        case SeamRateLimitedError():
            key = "rate_limited"
            placeholders["retry_after"] = (
                f"{err.retry_after:.0f}" if err.retry_after is not None else "60"
            )
        case SeamConnectionError() | SeamTimeoutError():
            key = "cannot_connect"
            placeholders["message"] = str(err)
        case SeamApiError() if err.status >= 500:
            key = "server_error"
        case _:
            key = f"{action}_rejected"
            placeholders.setdefault("message", str(err))
            placeholders.setdefault("error_type", "-")
    if "message" in placeholders:
        # The translations go on after Seam's sentence: "jammed. (error type" reads badly.
        placeholders["message"] = placeholders["message"].rstrip(" .")
    return HomeAssistantError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


async def async_notify_failure(
    hass: HomeAssistant, notification: str, title_key: str, error: HomeAssistantError
) -> None:
    """Create (or replace) the notification `notification` telling of `error`, translated.

    The title comes from the exception key `title_key`, with the error's placeholders.
    """
    strings = await translation.async_get_translations(
        hass, hass.config.language, "exceptions", {DOMAIN}
    )
    prefix = f"component.{DOMAIN}.exceptions"
    placeholders = error.translation_placeholders or {}
    title = strings.get(f"{prefix}.{title_key}.message", "{name}").format(**placeholders)
    template = strings.get(f"{prefix}.{error.translation_key}.message")
    message = template.format(**placeholders) if template else str(error)
    persistent_notification.async_create(hass, message, title=title, notification_id=notification)


def async_dismiss_failure(hass: HomeAssistant, device_id: str) -> None:
    """Dismiss the lock's failure notification: the lock has since worked."""
    persistent_notification.async_dismiss(hass, notification_id(device_id))
