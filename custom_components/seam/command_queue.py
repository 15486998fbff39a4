"""The commands of one lock: one at a time, the last word wins, and no caller can abandon one.

The rules, for a command given while others are under way or waiting:
- **join**: the same action as the user's last word (the waiting command, else the running one)
  joins it: one request to Seam, one outcome for every caller;
- **supersede**: a different action replaces the command that is waiting (its callers are told
  it was superseded); if it is the action already running, it joins that one instead;
- **queue**: otherwise it waits for the running command to end, because Seam runs commands in
  order and what the lock shows must always belong to one command.

So the lock always ends as the user asked last. A command runs in a task of its own: a caller
that is cancelled (a stopped script, an automation in `mode: restart`) stops waiting, but the
command goes on to its outcome, and callers that joined it still get that outcome.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any


class CommandSupersededError(Exception):
    """A newer, different command replaced this one before it was sent."""

    def __init__(self, superseded_by: str) -> None:
        """Keep the action that replaced it."""
        super().__init__(f"Superseded by {superseded_by}")
        self.superseded_by = superseded_by


class CommandStoppedError(Exception):
    """The queue stopped (entry unloaded, Home Assistant stopping) before the outcome."""


@dataclass(slots=True)
class _Command[A]:
    action: A
    outcome: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )

    def settle(self, error: BaseException | None) -> None:
        if error is None:
            self.outcome.set_result(None)
            return
        self.outcome.set_exception(error)
        # Callers re-raise it; a command nobody waits for any more must not warn.
        self.outcome.exception()


type Starter = Callable[[Coroutine[Any, Any, None]], asyncio.Task[None]]


class CommandQueue[A]:
    """Runs `execute(action)` for one lock's commands by the rules above."""

    __slots__ = ("_execute", "_running", "_start", "_stopped", "_task", "_waiting")

    def __init__(self, execute: Callable[[A], Coroutine[Any, Any, None]], start: Starter) -> None:
        """`start` runs a coroutine as a task that outlives its callers (and stops on unload)."""
        self._execute = execute
        self._start = start
        self._running: _Command[A] | None = None
        self._waiting: _Command[A] | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopped = False

    async def async_submit(self, action: A) -> None:
        """Give the command; return when it ends, or raise what ended it.

        Cancelling the caller cancels only its wait, never the command.
        """
        await asyncio.shield(self._enqueue(action).outcome)

    def _enqueue(self, action: A) -> _Command[A]:
        if self._stopped:
            raise CommandStoppedError
        if self._waiting is not None:
            if self._waiting.action == action:
                return self._waiting
            self._waiting.settle(CommandSupersededError(str(action)))
            self._waiting = None
        if self._running is not None:
            if self._running.action == action:
                return self._running
            self._waiting = _Command(action)
            return self._waiting
        command = self._running = _Command(action)
        self._task = self._start(self._async_run())
        return command

    async def _async_run(self) -> None:
        while (command := self._running) is not None:
            try:
                await self._execute(command.action)
            except asyncio.CancelledError:
                self._task = None  # this task: it is being cancelled already
                self.stop()
                raise
            except Exception as err:  # every caller gets it, whatever it is
                command.settle(err)
            else:
                command.settle(None)
            self._running, self._waiting = self._waiting, None
        self._task = None

    def stop(self) -> None:
        """Stop: cancel the running command's task; every caller gets `CommandStoppedError`."""
        self._stopped = True
        for command in (self._running, self._waiting):
            if command is not None:
                command.settle(CommandStoppedError())
        self._running = self._waiting = None
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None
