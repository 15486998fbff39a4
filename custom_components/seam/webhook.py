"""Seam webhooks: set up by themselves, verified on every delivery, applied at once."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from http import HTTPStatus
import json
from typing import Any

from aiohttp import web
from aiohttp.hdrs import METH_POST

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError

from .api import (
    SeamClient,
    SeamError,
    SeamEvent,
    SeamInvalidInputError,
    SeamWebhookSignatureError,
    Webhook,
    is_usable_secret,
    verify_webhook,
)
from .const import CONF_SEAM_WEBHOOK_ID, CONF_WEBHOOK_SECRET, DOMAIN, LOGGER
from .coordinator import SeamCoordinator
from .data import PushStatus
from .events import WEBHOOK_EVENT_TYPES, SeamEvents

# Seam retries deliveries for about a day; ids of the most recent ones are enough to drop replays.
_REMEMBERED_EVENTS = 2048


class SeamWebhooks:
    """The Home Assistant webhook of one entry and the Seam webhook that calls it."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        coordinator: SeamCoordinator,
        events: SeamEvents,
        push: PushStatus,
    ) -> None:
        """Prepare; nothing is registered until `async_start`."""
        self._hass = hass
        self._entry = entry
        self._coordinator = coordinator
        self._events = events
        self._push = push
        self._seen: OrderedDict[str, None] = OrderedDict()

    async def async_start(self) -> None:
        """Register both webhooks; without a reachable URL, say so once and keep polling."""
        webhook_id = self._entry.data.get(CONF_WEBHOOK_ID)
        if not webhook_id:
            webhook_id = webhook.async_generate_id()
            self._update_entry(**{CONF_WEBHOOK_ID: webhook_id})
        try:
            url = await self._async_url(webhook_id)
        except NoURLAvailableError:
            LOGGER.warning(
                "Home Assistant has no URL that Seam can reach (no Home Assistant Cloud, no "
                "external URL): Seam locks are polled every 30 s instead of pushed"
            )
            return
        webhook.async_register(
            self._hass,
            DOMAIN,
            f"Seam {self._entry.title}",
            webhook_id,
            self._async_handle,
            allowed_methods=[METH_POST],
        )
        try:
            seam_webhook = await self._async_ensure_seam_webhook(url)
        except SeamError as err:
            LOGGER.warning("Could not set up Seam's webhook, polling instead: %s", err)
            webhook.async_unregister(self._hass, webhook_id)
            return
        self._update_entry(
            **{
                CONF_SEAM_WEBHOOK_ID: seam_webhook.webhook_id,
                CONF_WEBHOOK_SECRET: seam_webhook.secret,
            }
        )
        self._async_set_push_url(url)
        LOGGER.debug("Seam pushes to %s", url)

    async def async_stop(self) -> None:
        """Unregister the Home Assistant webhook and delete the Seam one (entry unloaded)."""
        self._async_set_push_url(None)
        if webhook_id := self._entry.data.get(CONF_WEBHOOK_ID):
            webhook.async_unregister(self._hass, webhook_id)
        await async_delete_seam_webhook(
            self._coordinator.client, self._entry.data.get(CONF_SEAM_WEBHOOK_ID)
        )

    async def _async_url(self, webhook_id: str) -> str:
        if "cloud" in self._hass.config.components:
            # Imported only when loaded: its requirements exist only where cloud runs.
            from homeassistant.components import cloud  # noqa: PLC0415

            if cloud.async_active_subscription(self._hass) and cloud.async_is_connected(self._hass):
                return await cloud.async_get_or_create_cloudhook(self._hass, webhook_id)
        return webhook.async_generate_url(
            self._hass, webhook_id, allow_internal=False, allow_ip=True
        )

    async def _async_ensure_seam_webhook(self, url: str) -> Webhook:
        """Reuse this entry's Seam webhook when it still points here; remove leftovers."""
        client = self._coordinator.client
        stored_id = self._entry.data.get(CONF_SEAM_WEBHOOK_ID)
        reusable: Webhook | None = None
        for existing in await client.list_webhooks():
            # Seam's word on the secret is the newest (it may have been rotated).
            secret = existing.secret or self._entry.data.get(CONF_WEBHOOK_SECRET)
            if (
                existing.webhook_id == stored_id
                and existing.url == url
                and is_usable_secret(secret)
                and reusable is None
            ):
                reusable = Webhook(existing.webhook_id, url, secret, existing.event_types)
            elif existing.webhook_id == stored_id or existing.url == url:
                LOGGER.debug("Deleting Seam webhook %s left from before", existing.webhook_id)
                await client.delete_webhook(existing.webhook_id)
        if reusable is not None:
            return reusable
        try:
            created = await client.create_webhook(url, WEBHOOK_EVENT_TYPES)
        except SeamInvalidInputError as err:
            # Seam refuses a type it does not know (its fake knows fewer than it documents):
            # take Seam's default, every event, and ignore those nobody handles here.
            LOGGER.debug("Seam refused the event types (%s); asking for every event", err)
            created = await client.create_webhook(url, ["*"])
        if not is_usable_secret(created.secret):
            # Unusable, so nobody should be sent deliveries that would all be refused.
            await async_delete_seam_webhook(client, created.webhook_id)
            raise SeamError(
                "Seam created the webhook without a signing secret that can verify deliveries"
            )
        return created

    async def _async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Verify a delivery, drop replays, apply the event. A bad delivery changes nothing."""
        body = await request.read()
        try:
            # An empty secret would make an empty-key signature valid: refuse outright.
            verify_webhook(self._entry.data.get(CONF_WEBHOOK_SECRET) or "", request.headers, body)
            event: Any = json.loads(body)
        except (SeamWebhookSignatureError, ValueError) as err:
            self._push.rejected += 1
            LOGGER.warning("Refused a Seam webhook delivery: %s", err)
            return web.Response(status=HTTPStatus.UNAUTHORIZED)
        if isinstance(event, dict) and isinstance(event.get("event"), dict):
            event = event["event"]
        if not isinstance(event, dict):
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        # A verified delivery has a message id (`svix-id` or `webhook-id`) if no event id.
        event_id = str(
            event.get("event_id")
            or request.headers.get("svix-id")
            or request.headers.get("webhook-id")
        )
        if event_id in self._seen:
            return web.Response(status=HTTPStatus.OK)
        self._seen[event_id] = None
        if len(self._seen) > _REMEMBERED_EVENTS:
            self._seen.popitem(last=False)
        self._push.deliveries += 1
        try:
            await self._events.async_handle(SeamEvent.from_json(event))
        except asyncio.CancelledError:
            # Seam gave up on this delivery and will send it again: let that one in.
            self._seen.pop(event_id, None)
            raise
        return web.Response(status=HTTPStatus.OK)

    @callback
    def _async_set_push_url(self, url: str | None) -> None:
        self._push.url = url
        self._coordinator.async_set_push_url(url)

    @callback
    def _update_entry(self, **changes: Any) -> None:
        self._hass.config_entries.async_update_entry(
            self._entry, data={**self._entry.data, **changes}
        )


async def async_delete_seam_webhook(client: SeamClient, seam_webhook_id: str | None) -> None:
    """Delete a Seam webhook, if there is one; a failure is logged, not raised."""
    if not seam_webhook_id:
        return
    try:
        await client.delete_webhook(seam_webhook_id)
    except SeamError as err:
        LOGGER.warning("Could not delete Seam webhook %s: %s", seam_webhook_id, err)
