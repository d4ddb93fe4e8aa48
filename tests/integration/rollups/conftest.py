"""One world for the rollup invariants' tests, started once for the package: the bundled
Redis, the registry, activities and consultations services as gunicorn processes; the stats
worker's jobs run in-process in RQ burst mode. The modules run in the order of their names,
each on what the ones before left."""

import pytest

from tests.integration.rollup_support import counting_world


@pytest.fixture(scope="package")
def world(tmp_path_factory):
    """Redis, the three recording services and an in-process stats app wired to them."""
    with counting_world(tmp_path_factory.mktemp("rollups")) as world:
        yield world
