"""Seam webhooks: set up by themselves, verified on every delivery, applied at once."""

from __future__ import annotations

import asyncio
from http import HTTPStatus
import json
from typing import Any

from aiohttp import web
from aiohttp.hdrs import METH_GET, METH_POST, METH_PUT

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError

from .api import (
    ReplayCache,
    SeamClient,
    SeamError,
    SeamEvent,
    SeamInvalidInputError,
    SeamNotFoundError,
    SeamWebhookSignatureError,
    Webhook,
    is_usable_secret,
    verify_webhook,
)
from .const import CONF_SEAM_WEBHOOK_ID, CONF_WEBHOOK_SECRET, DOMAIN, LOGGER
from .coordinator import SeamCoordinator
from .data import PushStatus
from .events import WEBHOOK_EVENT_TYPES, SeamEvents
from .refusal_log import RefusalLog

# Deliveries taken in one signature window (5 minutes) that are remembered to drop replays. A
# home sends a few an hour; 10,000 in five minutes is far beyond any workspace (about 1 MB).
REMEMBERED_DELIVERIES = 10_000


class SeamWebhooks:
    """The Home Assistant webhook of one entry and the Seam webhook that calls it.

    Push or poll follows where Seam can reach Home Assistant: when Home Assistant Cloud
    connects or disconnects, the entry switches without a reload.
    """

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
        self.seen = ReplayCache(REMEMBERED_DELIVERIES)
        self._refusals = RefusalLog(hass)
        self._connecting = asyncio.Lock()
        self._registered = False
        self._said_no_url = False
        self._unsub_cloud: CALLBACK_TYPE | None = None

    async def async_start(self) -> None:
        """Push if Seam can reach Home Assistant, else poll; follow Home Assistant Cloud."""
        if not self._entry.data.get(CONF_WEBHOOK_ID):
            self._update_entry(**{CONF_WEBHOOK_ID: webhook.async_generate_id()})
        if "cloud" in self._hass.config.components:
            from homeassistant.components import cloud  # noqa: PLC0415

            self._unsub_cloud = cloud.async_listen_connection_change(
                self._hass, self._async_cloud_changed
            )
        await self._async_connect()

    @callback
    def _async_cloud_changed(self, state: Any) -> None:
        """Home Assistant Cloud connected or disconnected: look again where Seam can push."""
        LOGGER.debug("Home Assistant Cloud is now %s", state)
        self._entry.async_create_background_task(
            self._hass, self._async_connect(), "seam_webhooks_cloud"
        )

    async def _async_connect(self) -> None:
        """Push to the URL Seam can reach now, or poll without one (said once per run)."""
        async with self._connecting:
            webhook_id: str = self._entry.data[CONF_WEBHOOK_ID]
            try:
                url = await self._async_url(webhook_id)
            except NoURLAvailableError:
                if self._cloud_subscribed():
                    # Connecting (at start) or reconnecting: it will say so, and push resumes.
                    LOGGER.info(
                        "Home Assistant Cloud is not connected: Seam locks are polled until it is"
                    )
                elif not self._said_no_url:
                    self._said_no_url = True
                    LOGGER.warning(
                        "Home Assistant has no URL that Seam can reach (no Home Assistant "
                        "Cloud, no external URL): Seam locks are polled every 30 s instead "
                        "of pushed"
                    )
                await self._async_poll()
                return
            if url == self._push.url:
                return
            if not self._registered:
                webhook.async_register(
                    self._hass,
                    DOMAIN,
                    f"Seam {self._entry.title}",
                    webhook_id,
                    self._async_handle,
                    # Every method Home Assistant routes to webhooks: other than POST is refused
                    # here, counted and logged once a minute (Home Assistant logs each one).
                    allowed_methods=[METH_GET, METH_POST, METH_PUT],
                )
                self._registered = True
            try:
                seam_webhook = await self._async_ensure_seam_webhook(url)
            except SeamError as err:
                LOGGER.warning("Could not set up Seam's webhook, polling instead: %s", err)
                await self._async_poll()
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
        """The entry unloads: stop receiving. Seam's webhook stays, unless the entry is disabled.

        A reload takes the same Seam webhook again; a removal deletes it once
        (`async_remove_entry`); a disabled entry should not be sent anything meanwhile.
        """
        if self._unsub_cloud is not None:
            self._unsub_cloud()
            self._unsub_cloud = None
        self._async_set_push_url(None)
        self._refusals.async_stop()
        if self._registered:
            webhook.async_unregister(self._hass, self._entry.data[CONF_WEBHOOK_ID])
            self._registered = False
        if self._entry.disabled_by is not None and await async_delete_seam_webhook(
            self._coordinator.client, self._entry.data.get(CONF_SEAM_WEBHOOK_ID)
        ):
            # Kept when the delete failed: removing the entry later tries again.
            self._update_entry(**{CONF_SEAM_WEBHOOK_ID: None, CONF_WEBHOOK_SECRET: None})

    def _cloud_subscribed(self) -> bool:
        if "cloud" not in self._hass.config.components:
            return False
        from homeassistant.components import cloud  # noqa: PLC0415

        return cloud.async_active_subscription(self._hass)

    async def _async_poll(self) -> None:
        """Poll from now on; when push just stopped, read at once (deliveries may be lost)."""
        was_pushed = self._push.url is not None
        self._async_set_push_url(None)
        if was_pushed:
            # The coordinator's next read was set 10 minutes out: a read now restarts the 30 s.
            await self._coordinator.async_request_refresh()

    async def _async_url(self, webhook_id: str) -> str:
        """Where Seam can push: the Home Assistant Cloud cloudhook, or the external URL."""
        if "cloud" in self._hass.config.components:
            # Imported only when loaded: importing it costs about a second and 800 modules.
            from homeassistant.components import cloud  # noqa: PLC0415

            if cloud.async_active_subscription(self._hass) and cloud.async_is_connected(self._hass):
                try:
                    return await cloud.async_get_or_create_cloudhook(self._hass, webhook_id)
                except (cloud.CloudNotAvailable, cloud.CloudNotConnected) as err:
                    LOGGER.debug("No cloudhook from Home Assistant Cloud: %r", err)
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
        if request.method != METH_POST:
            self._push.rejected += 1
            self._refusals.refused(f"{request.method} instead of POST")
            return web.Response(status=HTTPStatus.METHOD_NOT_ALLOWED)
        body = await request.read()
        try:
            # An empty secret would make an empty-key signature valid: refuse outright.
            sent_at = verify_webhook(
                self._entry.data.get(CONF_WEBHOOK_SECRET) or "", request.headers, body
            )
            event: Any = json.loads(body)
        except (SeamWebhookSignatureError, ValueError) as err:
            self._push.rejected += 1
            self._refusals.refused(str(err))
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
        if event_id in self.seen:
            self._push.replayed += 1
            return web.Response(status=HTTPStatus.OK)
        if not self.seen.add(event_id, sent_at):
            # More deliveries in five minutes than any workspace sends: Seam sends it again later.
            self._push.rejected += 1
            self._refusals.refused("too many deliveries in five minutes")
            return web.Response(status=HTTPStatus.SERVICE_UNAVAILABLE)
        self._push.deliveries += 1
        try:
            await self._events.async_handle(SeamEvent.from_json(event))
        except asyncio.CancelledError:
            # Seam gave up on this delivery and will send it again: let that one in.
            self.seen.discard(event_id)
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


async def async_delete_seam_webhook(client: SeamClient, seam_webhook_id: str | None) -> bool:
    """Delete a Seam webhook, if there is one: True once it is gone (already gone is fine).

    A failure is logged, not raised.
    """
    if not seam_webhook_id:
        return True
    try:
        await client.delete_webhook(seam_webhook_id)
    except SeamNotFoundError:
        LOGGER.debug("Seam webhook %s was already deleted", seam_webhook_id)
    except SeamError as err:
        LOGGER.warning("Could not delete Seam webhook %s: %s", seam_webhook_id, err)
        return False
    return True


async def async_delete_cloudhook(hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
    """Delete the Home Assistant Cloud cloudhook of the entry's webhook, if there is one.

    Tried whenever Cloud is loaded (a cloudhook made once stays until deleted, whatever URL
    the entry used last); Cloud answers `ValueError` for a webhook that has none.
    """
    if "cloud" not in hass.config.components or not entry.data.get(CONF_WEBHOOK_ID):
        return
    from homeassistant.components import cloud  # noqa: PLC0415

    try:
        await cloud.async_delete_cloudhook(hass, entry.data[CONF_WEBHOOK_ID])
    except (cloud.CloudNotAvailable, ValueError) as err:
        LOGGER.debug("Could not delete the cloudhook: %r", err)
