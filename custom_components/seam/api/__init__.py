"""A small async client for Seam Connect (https://docs.seam.co), free of Home Assistant."""

from .client import (
    ACTION_ATTEMPT_TIMEOUT,
    DEFAULT_BASE_URL,
    SeamClient,
    action_attempt_poll_delay,
)
from .errors import (
    SeamActionAttemptFailedError,
    SeamActionAttemptTimeoutError,
    SeamApiError,
    SeamConflictError,
    SeamConnectionError,
    SeamError,
    SeamInvalidInputError,
    SeamNotFoundError,
    SeamRateLimitedError,
    SeamServerError,
    SeamTimeoutError,
    SeamUnauthorizedError,
)
from .models import (
    ActionAttempt,
    ActionAttemptStatus,
    CodeConstraints,
    Device,
    DeviceError,
    DeviceWarning,
    Workspace,
)

__all__ = [
    "ACTION_ATTEMPT_TIMEOUT",
    "DEFAULT_BASE_URL",
    "ActionAttempt",
    "ActionAttemptStatus",
    "CodeConstraints",
    "Device",
    "DeviceError",
    "DeviceWarning",
    "SeamActionAttemptFailedError",
    "SeamActionAttemptTimeoutError",
    "SeamApiError",
    "SeamClient",
    "SeamConflictError",
    "SeamConnectionError",
    "SeamError",
    "SeamInvalidInputError",
    "SeamNotFoundError",
    "SeamRateLimitedError",
    "SeamServerError",
    "SeamTimeoutError",
    "SeamUnauthorizedError",
    "Workspace",
    "action_attempt_poll_delay",
]
