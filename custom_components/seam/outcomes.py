"""Pushed outcomes of action attempts, handed to the command that waits for each.

Seam's `action_attempt.*` events name the attempt, not the lock, and a fast lock's outcome can
arrive before Seam has answered the request that started it: such early outcomes are kept
briefly, so the command still finds its own.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from .api import ActionAttempt
from .data import PushStatus

# Outcomes that arrived before their command knew its attempt id; a few seconds' worth at most.
_EARLY_OUTCOMES = 256


class AttemptOutcomes:
    """Futures for the action attempts that commands wait for, resolved by webhook events."""

    def __init__(self, push: PushStatus) -> None:
        """Outcomes are pushed only while `push` says webhooks are healthy."""
        self._push = push
        self._waiters: dict[str, asyncio.Future[ActionAttempt]] = {}
        self._early: OrderedDict[str, ActionAttempt] = OrderedDict()

    def expect(self, action_attempt_id: str) -> asyncio.Future[ActionAttempt] | None:
        """A future a webhook resolves with the attempt's outcome; None without webhooks."""
        if self._push.url is None:
            return None
        future = self._waiters.setdefault(
            action_attempt_id, asyncio.get_running_loop().create_future()
        )
        if (early := self._early.pop(action_attempt_id, None)) is not None:
            future.set_result(early)
        return future

    def forget(self, action_attempt_id: str) -> None:
        """The command has ended (or was stopped): stop waiting for its webhook."""
        if (future := self._waiters.pop(action_attempt_id, None)) is not None:
            future.cancel()

    def resolve(self, attempt: ActionAttempt) -> None:
        """A webhook told the attempt's outcome: hand it to its command, or keep it briefly."""
        future = self._waiters.get(attempt.action_attempt_id)
        if future is None:
            self._early[attempt.action_attempt_id] = attempt
            while len(self._early) > _EARLY_OUTCOMES:
                self._early.popitem(last=False)
        elif not future.done():
            future.set_result(attempt)
