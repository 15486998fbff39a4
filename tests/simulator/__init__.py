"""A stateful Seam Connect API simulator (aiohttp, 127.0.0.1) for tests and benchmarks.

Behaves like production as described in the project's API notes: bearer-key auth, cursor
pagination with `mismatched_page_parameters`, action attempts that answer `pending` and resolve
after each device's actuation delay, and injectable faults (status, body, delay, dropped
connection) consumed one per request.
"""

from .models import Fault, Outcome, RecordedRequest, SimDevice
from .server import SeamSimulator

__all__ = ["Fault", "Outcome", "RecordedRequest", "SeamSimulator", "SimDevice"]
