"""Action attempts: how long to wait for one, when to poll it, and how waiting ends badly."""

from __future__ import annotations

from .errors import SeamError
from .models import ActionAttempt

# Slow providers (hub-bridged and some Wi-Fi locks) take 10-30 s; 45 s covers them with margin
# without holding an automation for minutes. A later answer still shows at the next update.
ACTION_ATTEMPT_TIMEOUT = 45.0
# With webhooks, the outcome is pushed, and a delivery Seam could not make is retried after 5 s.
# Polls at 30 s and then every 10 s only cover one that never comes: a lock that takes up to
# 30 s (hub-bridged ones take 10-30 s) is confirmed with no poll at all.
PUSHED_FIRST_POLL = 30.0
PUSHED_POLL_INTERVAL = 10.0
# Without webhooks, polls follow each lock's learned pace: see `actuation.poll_delay`.


class SeamActionAttemptFailedError(SeamError):
    """Seam reports the action attempt ended with an error."""

    def __init__(self, action_attempt: ActionAttempt, request_id: str | None = None) -> None:
        """Keep the failed attempt, Seam's error, and the request id of the command."""
        self.action_attempt = action_attempt
        self.request_id = request_id
        self.error_type = action_attempt.error_type or "unknown_error"
        self.error_message = action_attempt.error_message or "Seam gave no reason"
        super().__init__(f"{self.error_message} (type: {self.error_type})")


class SeamActionAttemptTimeoutError(SeamError):
    """The action attempt was still pending when we stopped waiting; it may still finish."""

    def __init__(
        self, action_attempt: ActionAttempt, waited: float, request_id: str | None = None
    ) -> None:
        """Keep the last attempt seen, how long we waited and the command's request id."""
        self.action_attempt = action_attempt
        self.request_id = request_id
        self.waited = waited
        super().__init__(
            f"Action attempt {action_attempt.action_attempt_id} still pending after {waited:.1f} s"
        )
