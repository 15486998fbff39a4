"""Verifying Seam's webhook deliveries, signed the Svix ("Standard Webhooks") way."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
import hashlib
import heapq
import hmac
import time

from .errors import SeamError

# Deliveries older or newer than this are refused, so a captured one cannot be replayed later.
SIGNATURE_TOLERANCE = 300.0


class SeamWebhookSignatureError(SeamError):
    """A delivery whose signature, timestamp or headers do not hold."""


def webhook_key(secret: str) -> bytes:
    """The HMAC key of a webhook secret: base64 after the `whsec_` prefix.

    A secret that is not base64 (Seam's fake server hands out `fake_secret_<hex>`) raises
    `SeamWebhookSignatureError`: no delivery can be verified with it.
    """
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except (binascii.Error, ValueError):
        raise SeamWebhookSignatureError("The webhook secret is not a Svix secret") from None
    if not key:
        raise SeamWebhookSignatureError("The webhook secret is empty")
    return key


def is_usable_secret(secret: str | None) -> bool:
    """Deliveries signed with `secret` can be verified."""
    if not secret:
        return False
    try:
        webhook_key(secret)
    except SeamWebhookSignatureError:
        return False
    return True


def sign_webhook(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `svix-signature` value for a delivery (used by tests and the simulator too)."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(webhook_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify_webhook(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float | None = None,
    tolerance: float = SIGNATURE_TOLERANCE,
) -> int:
    """The delivery's signed send time (Unix seconds), if it is signed with `secret` and fresh.

    Otherwise `SeamWebhookSignatureError`. The same delivery verifies again until `tolerance`
    after its send time: a replay cache needs to remember it until then, and no longer.
    """
    if not secret:
        raise SeamWebhookSignatureError("No secret to verify with")
    message_id = headers.get("svix-id") or headers.get("webhook-id")
    timestamp = headers.get("svix-timestamp") or headers.get("webhook-timestamp")
    signatures = headers.get("svix-signature") or headers.get("webhook-signature")
    if not (message_id and timestamp and signatures):
        raise SeamWebhookSignatureError("Missing signature headers")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise SeamWebhookSignatureError("Malformed timestamp") from None
    if abs((time.time() if now is None else now) - sent_at) > tolerance:
        raise SeamWebhookSignatureError("Timestamp outside the tolerance")
    expected = sign_webhook(secret, message_id, sent_at, body).encode()
    # Several signatures (during a secret rotation) arrive space-separated; any valid one counts.
    if not any(
        hmac.compare_digest(expected, candidate.encode())
        for candidate in signatures.split()
        if candidate.startswith("v1,")
    ):
        raise SeamWebhookSignatureError("No valid signature")
    return sent_at


class ReplayCache:
    """Ids of the deliveries taken, each kept until its signature expires, and no longer.

    Past that moment a replay of the delivery fails the timestamp check, so forgetting it then
    is safe; before it, forgetting it would let a replay in. The cache therefore never evicts
    early: at `capacity` ids it is full, and a new delivery is turned away (to be sent again)
    rather than one being forgotten. Only deliveries signed with the secret get in, so only
    Seam can fill it.
    """

    def __init__(self, capacity: int, tolerance: float = SIGNATURE_TOLERANCE) -> None:
        """Remember at most `capacity` ids; each for `tolerance` after its send time."""
        self.capacity = capacity
        self._tolerance = tolerance
        self._expiry: dict[str, float] = {}
        self._heap: list[tuple[float, str]] = []

    def __len__(self) -> int:
        """Ids remembered now (expired ones are dropped on the next `add`)."""
        return len(self._expiry)

    def __contains__(self, key: object) -> bool:
        """The delivery `key` was taken and its signature has not expired."""
        return key in self._expiry

    def add(self, key: str, sent_at: float, *, now: float | None = None) -> bool:
        """Remember `key` until `sent_at + tolerance`; False if full (nothing remembered)."""
        self._expire(time.time() if now is None else now)
        if len(self._heap) >= self.capacity:
            return False
        expires = sent_at + self._tolerance
        self._expiry[key] = expires
        heapq.heappush(self._heap, (expires, key))
        return True

    def discard(self, key: str) -> None:
        """Forget `key` now (its delivery was not applied and will come again)."""
        self._expiry.pop(key, None)

    def _expire(self, now: float) -> None:
        heap = self._heap
        while heap and heap[0][0] < now:
            expires, key = heapq.heappop(heap)
            # A key discarded and taken again has a newer entry: keep that one.
            if self._expiry.get(key) == expires:
                del self._expiry[key]
