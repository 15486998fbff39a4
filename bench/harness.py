"""What the benchmarks share: the simulator in its own thread, waiting for states, statistics."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
import logging
from pathlib import Path
import threading
import time
import tracemalloc
from typing import Any, Self

from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
from tests.simulator import SeamSimulator

# No step of a benchmark waits longer than this for Home Assistant to show a state.
STATE_TIMEOUT = 60.0


class StateWatch:
    """Notes, with `time.perf_counter()`, when an entity first reaches a state."""

    def __init__(self, hass: HomeAssistant, entity_id: str) -> None:
        """Watch `entity_id`; call `expect` before each change and `close` at the end."""
        self._hass = hass
        self._wanted: str | None = None
        self._reached: asyncio.Future[float] | None = None
        self._unsubscribe = async_track_state_change_event(hass, entity_id, self._changed)

    def expect(self, state: str) -> None:
        """The next `wait` returns when the entity shows `state`."""
        self._wanted = state
        self._reached = self._hass.loop.create_future()

    async def wait(self, limit: float = STATE_TIMEOUT) -> float:
        """The `perf_counter` time at which the expected state was written (within `limit` s)."""
        if self._reached is None:
            raise RuntimeError("expect() first")
        async with asyncio.timeout(limit):
            return await self._reached

    @callback
    def _changed(self, event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if (
            self._reached is not None
            and not self._reached.done()
            and new is not None
            and new.state == self._wanted
        ):
            self._reached.set_result(time.perf_counter())

    def close(self) -> None:
        """Stop watching."""
        self._unsubscribe()


class SimulatorThread:
    """A `SeamSimulator` answering from its own thread and event loop.

    Used where Home Assistant's CPU time is measured: rendering thousands of devices as JSON is
    the simulator's work, not the integration's, and `time.thread_time()` in Home Assistant's
    thread then leaves it out.
    """

    def __init__(self, simulator: SeamSimulator) -> None:
        """Serve `simulator` (not yet started) once entered."""
        self.simulator = simulator
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="seam-simulator", daemon=True
        )

    async def __aenter__(self) -> Self:
        """Start the thread and the simulator in it."""
        self._thread.start()
        await self.run(self.simulator.start())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop the simulator, then its loop and thread."""
        try:
            await self.run(self.simulator.stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()

    async def run(self, coroutine: Any) -> Any:
        """Run a coroutine in the simulator's loop and wait for its result."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    def call(self, function: Callable[..., Any], *args: Any) -> None:
        """Call `function` in the simulator's loop (e.g. `emit`), without waiting."""
        self._loop.call_soon_threadsafe(function, *args)


def rss_bytes() -> int:
    """Resident memory of this process, in bytes (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("No VmRSS in /proc/self/status")


def where(frame: tracemalloc.Frame) -> str:
    """A source line as `package/module.py:line`, without the machine's own directories."""
    path = Path(frame.filename)
    parts = path.parts
    for anchor in ("site-packages", "custom_components"):
        if anchor in parts:
            index = parts.index(anchor)
            relative = parts[index + 1 :] if anchor == "site-packages" else parts[index:]
            return f"{'/'.join(relative)}:{frame.lineno}"
    return f"{path.name}:{frame.lineno}"


class LogCount(logging.Handler):
    """Counts the records that reach it (WARNING and up by default), by logger.

    Keeps the text of the first few different ones.
    """

    def __init__(self, level: int = logging.WARNING, keep: int = 5) -> None:
        """Count records at `level` and up; keep the first `keep` different texts."""
        super().__init__(level)
        self.by_logger: Counter[str] = Counter()
        self.examples: list[str] = []
        self._keep = keep

    @property
    def total(self) -> int:
        """Records counted."""
        return self.by_logger.total()

    def emit(self, record: logging.LogRecord) -> None:
        """Count `record`; keep its text if it is among the first few different ones."""
        self.by_logger[record.name] += 1
        text = f"{record.levelname} {record.name}: {record.getMessage()}"
        if len(self.examples) < self._keep and text not in self.examples:
            self.examples.append(text)
