"""End-to-end test: a real Home Assistant and Seam's fake server, driven in Chromium."""
