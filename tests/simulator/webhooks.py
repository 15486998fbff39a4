"""Seam webhooks: stored by the webhook routes, and events delivered signed the Svix way."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime
import itertools
import json
import secrets
import time
from typing import Any

import aiohttp

from custom_components.seam.api import sign_webhook

from .errors import SeamApiError, invalid_field
from .models import JsonObject


class Webhooks:
    """The workspace's webhooks and the deliveries made to them."""

    def __init__(self, workspace_id: str) -> None:
        """Start with no webhooks; deliveries need `open()` first."""
        self.workspace_id = workspace_id
        self.by_id: dict[str, JsonObject] = {}
        self.delivered: list[tuple[JsonObject, int]] = []
        """Every delivery made: the event and the HTTP status that answered it (0: none)."""
        self.known_event_types: frozenset[str] | None = None
        """Set: `/webhooks/create` refuses other types (400 `invalid_event_types`), as Seam's
        fake does for types newer than its list, and production may for ones it does not know."""
        self.svix_secrets = True
        """False: secrets are `fake_secret_<hex>` as Seam's fake hands out (nothing can verify)."""
        self.enabled = True
        """False: events are recorded in `held` but not sent (a webhook outage)."""
        self.held: list[JsonObject] = []
        self._numbers = itertools.count(1)
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def open(self) -> None:
        """Create the HTTP session deliveries go through."""
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))

    async def close(self) -> None:
        """Cancel deliveries under way and close the session."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def settle(self) -> None:
        """Wait until every delivery under way has been answered."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # Routes

    def create(self, params: JsonObject) -> JsonObject:
        """`/webhooks/create`: store a webhook with a fresh `whsec_` secret."""
        url = params.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise invalid_field("url", "Invalid url")
        event_types = params.get("event_types") or ["*"]
        known = self.known_event_types
        if known is not None and (unknown := [t for t in event_types if t not in known | {"*"}]):
            raise SeamApiError(
                400, "invalid_event_types", f"Invalid event types: {', '.join(unknown)}"
            )
        webhook_id = f"webhook_{next(self._numbers)}"
        self.by_id[webhook_id] = {
            "webhook_id": webhook_id,
            "url": url,
            "event_types": list(event_types),
            "secret": (
                "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
                if self.svix_secrets
                else f"fake_secret_{secrets.token_hex(16)}"
            ),
        }
        return {"webhook": dict(self.by_id[webhook_id])}

    def list(self, params: JsonObject) -> JsonObject:
        """`/webhooks/list`."""
        return {"webhooks": [dict(webhook) for webhook in self.by_id.values()]}

    def get(self, params: JsonObject) -> JsonObject:
        """`/webhooks/get`."""
        return {"webhook": dict(self._webhook(params))}

    def delete(self, params: JsonObject) -> JsonObject:
        """`/webhooks/delete`."""
        del self.by_id[self._webhook(params)["webhook_id"]]
        return {}

    def _webhook(self, params: JsonObject) -> JsonObject:
        webhook = self.by_id.get(str(params.get("webhook_id")))
        if webhook is None:
            raise SeamApiError(404, "webhook_not_found", "Webhook not found")
        return webhook

    # Events

    def emit(self, event_type: str, **fields: Any) -> JsonObject:
        """Make an event and deliver it to every webhook that asked for its type."""
        now = datetime.now(UTC).isoformat()
        event: JsonObject = {
            "event_id": f"event_{secrets.token_hex(8)}",
            "event_type": event_type,
            "workspace_id": self.workspace_id,
            "created_at": now,
            "occurred_at": now,
            **fields,
        }
        if not self.enabled:
            self.held.append(event)
            return event
        for webhook in self.by_id.values():
            if event_type in webhook["event_types"] or "*" in webhook["event_types"]:
                self.send(webhook, json.dumps(event).encode(), event)
        return event

    def send(
        self,
        webhook: JsonObject,
        body: bytes,
        event: JsonObject,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Post `body` to the webhook, signed (unless `headers` replace the signature)."""
        message_id = f"msg_{secrets.token_hex(8)}"
        timestamp = int(time.time())
        signed = {
            "svix-id": message_id,
            "svix-timestamp": str(timestamp),
            "svix-signature": sign_webhook(webhook["secret"], message_id, timestamp, body),
            "content-type": "application/json",
        }
        task = asyncio.get_running_loop().create_task(
            self._post(webhook["url"], body, headers or signed, event)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post(
        self, url: str, body: bytes, headers: dict[str, str], event: JsonObject
    ) -> None:
        if self._session is None:
            raise RuntimeError("The simulator is not running")
        status = 0
        try:
            async with self._session.post(url, data=body, headers=headers) as response:
                status = response.status
        except aiohttp.ClientError, TimeoutError:
            status = 0
        self.delivered.append((event, status))
