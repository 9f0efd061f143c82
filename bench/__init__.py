"""Benchmarks at service-center scale (`make bench`, `python -m bench --scale tiny|small|full`).

See BENCHMARKS.md for the method, the targets and the latest figures, and docs/bench.md for how
to run it.
"""
