"""Each lock's pace, learned from its commands and kept across restarts.

Every confirmed command adds an observation of how long the lock took (see `api.actuation`);
the last `HISTORY` of each lock are kept in Home Assistant's storage, per entry, so that the
first command after a restart is polled as well as the last one before it. A lock with nothing
learned borrows the pace of the other locks of its model, when they agree.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store

from .api import Device, Observation, Pace, learned_pace, prior_pace
from .api.actuation import HISTORY
from .const import DOMAIN, LOGGER

STORAGE_VERSION = 1
# Saved this long after the last command, not after each one; unloading saves at once.
SAVE_DELAY = 30.0


def model_of(device: Device) -> str:
    """What makes locks alike in pace: Seam's device type and the model."""
    return f"{device.device_type}/{device.model or '-'}"


class LockPaces:
    """The observations of each lock of one entry, by Seam device id, in storage."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Nothing is read until `async_load`."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.paces.{entry_id}"
        )
        self._observations: dict[str, deque[Observation]] = {}
        self._models: dict[str, str] = {}
        # A model's prior, from its other locks: worked out once until something is learned.
        self._priors: dict[str, Pace | None] = {}
        self._dirty = False  # changed since the last write, which is then scheduled
        self._closed = False

    async def async_load(self) -> None:
        """Read what earlier runs learned; anything unreadable is left out, never fatal."""
        try:
            data = await self._store.async_load()
        except (HomeAssistantError, OSError, ValueError, NotImplementedError) as err:
            LOGGER.warning("Could not read how long each Seam lock takes; learning anew: %s", err)
            return
        locks = data.get("locks") if isinstance(data, dict) else None
        if not isinstance(locks, dict):
            return
        for device_id, lock in locks.items():
            if not isinstance(lock, dict) or not isinstance(lock.get("observations"), list):
                continue
            observations = [Observation.from_list(value) for value in lock["observations"]]
            kept = [o for o in observations if o is not None]
            if kept:
                self._observations[device_id] = deque(kept, maxlen=HISTORY)
                self._models[device_id] = str(lock.get("model", ""))

    def pace(self, device: Device) -> Pace | None:
        """The lock's own pace; with nothing learned, that of its model's other locks."""
        own = self._observations.get(device.device_id)
        if own:
            return learned_pace(own)
        model = model_of(device)
        if model not in self._priors:
            self._priors[model] = prior_pace(
                pace
                for device_id, observations in self._observations.items()
                if self._models.get(device_id) == model
                and (pace := learned_pace(observations)) is not None
            )
        return self._priors[model]

    @callback
    def add(self, device: Device, observation: Observation) -> None:
        """Learn from one confirmed command; saved a little later."""
        if self._closed:
            return
        history = self._observations.setdefault(device.device_id, deque(maxlen=HISTORY))
        history.append(observation)
        self._models[device.device_id] = model_of(device)
        self._changed()

    @callback
    def keep_only(self, device_ids: Iterable[str]) -> None:
        """Forget the locks Seam no longer lists, also those removed while HA was off.

        Their paces go with them, and no longer count for their model.
        """
        for device_id in self._observations.keys() - set(device_ids):
            self.forget(device_id)

    @callback
    def forget(self, device_id: str) -> None:
        """Forget what was learned of one lock."""
        if not self._closed and self._observations.pop(device_id, None) is not None:
            self._models.pop(device_id, None)
            self._changed()

    @callback
    def _changed(self) -> None:
        self._priors.clear()
        # One write per SAVE_DELAY at most, however often commands come (a new call to
        # async_delay_save would push the write back each time).
        if not self._dirty:
            self._dirty = True
            self._store.async_delay_save(self._data, SAVE_DELAY)

    async def async_close(self) -> None:
        """The entry unloads: write now what is not yet written, then learn no more.

        A reload then reads all of it, and no late write of this instance overwrites what the
        next one saves.
        """
        self._closed = True
        if self._dirty:
            try:
                await self._store.async_save(self._data())
            except (HomeAssistantError, OSError, ValueError) as err:
                LOGGER.warning("Could not save how long each Seam lock takes: %s", err)

    async def async_remove(self) -> None:
        """The entry is deleted: so is what it learned."""
        await self._store.async_remove()

    def _data(self) -> dict[str, Any]:
        self._dirty = False
        return {
            "locks": {
                device_id: {
                    "model": self._models.get(device_id, ""),
                    "observations": [o.as_list() for o in observations],
                }
                for device_id, observations in self._observations.items()
            }
        }

    def diagnostics(self, device_id: str) -> dict[str, Any] | None:
        """What was learned of one lock, for diagnostics (None: nothing)."""
        observations = self._observations.get(device_id)
        if not observations:
            return None
        pace = learned_pace(observations)
        assert pace is not None
        return {
            "model": self._models.get(device_id),
            "observations": [o.as_list() for o in observations],
            "typical_seconds": round(pace.typical, 3),
            "window_seconds": [round(pace.start, 3), round(pace.end, 3)],
            "gap_seconds": round(pace.gap, 3),
        }
