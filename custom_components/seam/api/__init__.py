"""A small async client for Seam Connect (https://docs.seam.co), free of Home Assistant."""

from .actuation import Observation, Pace, Timing, learned_pace, prior_pace
from .attempts import (
    ACTION_ATTEMPT_TIMEOUT,
    SeamActionAttemptFailedError,
    SeamActionAttemptTimeoutError,
)
from .client import SeamClient
from .errors import (
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
    masked_code,
)
from .events import SeamEvent
from .models import (
    AccessCode,
    AccessCodeStatus,
    ActionAttempt,
    ActionAttemptStatus,
    CodeConstraints,
    Device,
    DeviceError,
    DeviceWarning,
    Webhook,
    Workspace,
)
from .transport import DEFAULT_BASE_URL
from .webhooks import (
    SIGNATURE_TOLERANCE,
    ReplayCache,
    SeamWebhookSignatureError,
    is_usable_secret,
    sign_webhook,
    verify_webhook,
)

__all__ = [
    "ACTION_ATTEMPT_TIMEOUT",
    "DEFAULT_BASE_URL",
    "SIGNATURE_TOLERANCE",
    "AccessCode",
    "AccessCodeStatus",
    "ActionAttempt",
    "ActionAttemptStatus",
    "CodeConstraints",
    "Device",
    "DeviceError",
    "DeviceWarning",
    "Observation",
    "Pace",
    "ReplayCache",
    "SeamActionAttemptFailedError",
    "SeamActionAttemptTimeoutError",
    "SeamApiError",
    "SeamClient",
    "SeamConflictError",
    "SeamConnectionError",
    "SeamError",
    "SeamEvent",
    "SeamInvalidInputError",
    "SeamNotFoundError",
    "SeamRateLimitedError",
    "SeamServerError",
    "SeamTimeoutError",
    "SeamUnauthorizedError",
    "SeamWebhookSignatureError",
    "Timing",
    "Webhook",
    "Workspace",
    "is_usable_secret",
    "learned_pace",
    "masked_code",
    "prior_pace",
    "sign_webhook",
    "verify_webhook",
]
