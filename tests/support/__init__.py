"""Helpers that start the real parts (Redis, service processes) for the tests."""
