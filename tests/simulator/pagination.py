"""Cursor pagination the way Seam's `/devices/list` does it.

The cursor is opaque to clients: base64 of `[fingerprint, offset]`, where the fingerprint hashes
every other parameter of the first request. A cursor sent with different parameters is refused
with `mismatched_page_parameters`, as production does.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any
from urllib.parse import urlencode

from .errors import SeamApiError, invalid_field
from .models import JsonObject


def _fingerprint(query: JsonObject) -> str:
    canonical = json.dumps(query, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _encode(fingerprint: str, offset: int) -> str:
    return base64.b64encode(json.dumps([fingerprint, offset]).encode()).decode()


def _decode(cursor: str) -> tuple[str, int]:
    try:
        fingerprint, offset = json.loads(base64.b64decode(cursor, validate=True))
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise invalid_field("page_cursor", "Invalid page cursor") from None
    if not isinstance(fingerprint, str) or not isinstance(offset, int) or offset < 0:
        raise invalid_field("page_cursor", "Invalid page cursor")
    return fingerprint, offset


def paginate[T](
    items: list[T], query: JsonObject, limit: int, page_cursor: str | None, page_url: str
) -> tuple[list[T], JsonObject]:
    """Cut one page out of `items`; return it with Seam's `pagination` object.

    `query` holds every parameter except `page_cursor` (limit included) as the handler
    understood it; `page_url` is the route's absolute URL, for `next_page_url`.
    """
    fingerprint = _fingerprint(query)
    offset = 0
    if page_cursor is not None:
        cursor_fingerprint, offset = _decode(page_cursor)
        if cursor_fingerprint != fingerprint:
            raise SeamApiError(
                400,
                "mismatched_page_parameters",
                "When using next_page_cursor, the request must send parameters identical "
                "to the initial request.",
            )
    end = offset + limit
    page = items[offset:end]
    has_next_page = end < len(items)
    next_cursor = _encode(fingerprint, end) if has_next_page else None
    next_url: str | None = None
    if next_cursor is not None:
        next_query: dict[str, Any] = {**query, "page_cursor": next_cursor}
        next_url = f"{page_url}?{urlencode(next_query, doseq=True)}"
    return page, {
        "has_next_page": has_next_page,
        "next_page_cursor": next_cursor,
        "next_page_url": next_url,
    }
