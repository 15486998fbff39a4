"""A runnable demo of the Seam integration: Seam's fake server plus a real Home Assistant.

`scripts/develop` runs it (see docs/DEMO.md); the browser test in tests/e2e/ drives the same
stack (`demo.stack`).
"""
