"""What the rollup invariants' tests share: the figures they compare, and writing."""

import requests

from tests.integration.rollup_support import ADMIN, drain, recount

FIGURES = (
    "sessions",
    "attendances",
    "checkins",
    "cadre_sessions",
    "cadre_attendances",
    "consultations",
)


def summary(world, year="2024"):
    """The year's headline figures, by name, as the stats app answers them."""
    answer = world["stats"].test_client().get(f"/summary?year={year}", headers=ADMIN)
    assert answer.status_code == 200, answer.get_json()
    return {name: answer.get_json()["figures"][name]["value"] for name in FIGURES}


def assert_figures_equal_records(world):
    """Once the feeds are applied, the figures are exactly a recount of the records."""
    drain(world["stats"])
    expected = recount(world["urls"], ADMIN, "2024")
    assert summary(world) == {name: expected[name] for name in FIGURES}


def post(world, service, path, body, headers=ADMIN):
    """POST a body to a service of the world; its JSON answer, which must be a success."""
    answer = requests.post(
        f"{world['urls'][service]}{path}", json=body, headers=headers, timeout=10
    )
    assert answer.status_code in (200, 201), answer.text[:300]
    return answer.json()
