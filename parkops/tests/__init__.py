"""Tests of the platform (core) through the registers leaf apps declare.

They live outside parkops/core because they import leaf apps, which core may
not (parkops/core/tests/test_boundaries.py).
"""
