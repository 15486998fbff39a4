"""What a loaded Seam entry holds (`entry.runtime_data`), and the entry's type."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from .api import SeamClient
from .booking_calendars import BookingCalendars
from .coordinator import SeamCoordinator
from .data import PushStatus
from .locks import SeamLocks
from .webhook import SeamWebhooks


@dataclass(slots=True)
class SeamData:
    """One Seam workspace in Home Assistant, each part the one owner of its truth.

    - `coordinator`: the device list and its reads;
    - `locks`: each lock's shown state, command queue and outcome waits, and the command history;
    - `webhooks` and `push`: the push receiver and how deliveries fare;
    - `bookings`: the booking calendars and the guest codes they keep on the locks.
    """

    client: SeamClient
    coordinator: SeamCoordinator
    locks: SeamLocks
    webhooks: SeamWebhooks
    push: PushStatus
    bookings: BookingCalendars


type SeamConfigEntry = ConfigEntry[SeamData]
