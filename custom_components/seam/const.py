"""Constants of the Seam integration."""

from datetime import timedelta
from enum import StrEnum
import logging
from typing import Final

from .api import DEFAULT_BASE_URL

DOMAIN: Final = "seam"
LOGGER = logging.getLogger(__package__)

CONF_API_URL: Final = "api_url"
# The Seam webhook this entry created, and the secret that signs its deliveries.
CONF_SEAM_WEBHOOK_ID: Final = "seam_webhook_id"
CONF_WEBHOOK_SECRET: Final = "webhook_secret"
DEFAULT_API_URL: Final = DEFAULT_BASE_URL

# devices/list has no documented rate limit, but Seam asks for webhooks over polling; 30 s keeps
# a 500-lock workspace at 120 requests/hour while a lock changed by hand shows within 30 s.
SCAN_INTERVAL: Final = timedelta(seconds=30)
# With webhooks healthy every change is pushed; a read every 10 minutes only catches what a
# lost delivery missed (Seam itself retries a failed delivery after 5 s and 5 min).
PUSH_SCAN_INTERVAL: Final = timedelta(minutes=10)


class LockAction(StrEnum):
    """A command Seam can run on a lock."""

    LOCK = "lock"
    UNLOCK = "unlock"
