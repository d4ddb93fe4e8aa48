"""Benchmarks (`make bench`): each compares against a bare baseline in the same run."""
