"""Verifying Seam's webhook deliveries, signed the Svix ("Standard Webhooks") way."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
import hashlib
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
) -> None:
    """Raise `SeamWebhookSignatureError` unless the delivery is signed with `secret` and fresh."""
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
