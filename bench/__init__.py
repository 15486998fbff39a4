"""Benchmarks of the Seam integration against the simulator, run by `scripts/bench`."""
