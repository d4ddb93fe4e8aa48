"""What `make run` says it loads when it loads nothing: DEMO_YEAR=0, or not development."""

import pytest

from deploy import demo


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ({"DEMO_YEAR": "0"}, "no demo data (DEMO_YEAR=0)"),
        ({"ENV": "production"}, "no demo data (ENV is not development)"),
        ({"ENV": "staging", "DEMO_YEAR": "1"}, "no demo data (ENV is not development)"),
    ],
)
def test_a_start_that_loads_nothing_says_so_and_runs_nothing(monkeypatch, settings, said):
    def ran(*_args, **_kwargs):
        raise AssertionError("a demo step ran")

    monkeypatch.setattr(demo.subprocess, "run", ran)
    monkeypatch.setattr(demo.demo_year, "load", ran)
    assert said in demo.load(settings)
