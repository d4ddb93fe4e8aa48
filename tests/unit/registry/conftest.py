"""The registry on the Flask test client, on a fresh database and the real Redis."""

import shutil

import pytest

from services.registry import create_app
from services.registry.cli import MOYU_DATA
from services.registry.service import load_directory
from shared.db import get_db
from tests.support.apps import migrated

LICENCE = "16532222015100{:03d}"


@pytest.fixture(scope="session")
def moyu_template(tmp_path_factory, redis_server):
    """A registry database file loaded once with the shipped Moyu files."""
    path = tmp_path_factory.mktemp("moyu") / "registry.db"
    app = migrated(create_app({"DATABASE_URL": f"sqlite:///{path}", "REDIS_URL": redis_server.url}))
    with app.app_context():
        session = get_db().session
        load_directory(session, MOYU_DATA)
        session.remove()
        # Closing the last connection checkpoints the WAL into the main file.
        get_db().engine.dispose()
    return path


@pytest.fixture
def registry_app(tmp_path, redis_url, request):
    """A registry: empty, or loaded with Moyu when the test also asks for `moyu`."""
    path = tmp_path / "registry.db"
    if "moyu" in request.fixturenames:
        shutil.copy(request.getfixturevalue("moyu_template"), path)
    return migrated(create_app({"DATABASE_URL": f"sqlite:///{path}", "REDIS_URL": redis_url}))


@pytest.fixture
def registry(registry_app):
    """Its test client."""
    return registry_app.test_client()


@pytest.fixture
def moyu(registry_app):
    """The registry loaded with the shipped Moyu files (copied from the template)."""
    return registry_app


@pytest.fixture
def as_admin(auth_header):
    return auth_header("admin")


@pytest.fixture
def new_advisor(registry, as_admin):
    """Register an advisor through the API; return its id."""

    def create(number, **overrides):
        body = {
            "name": f"律师{number}",
            "phone": f"1380000{number:04d}",
            "law_firm": "和田测试律师事务所",
            "licence_no": LICENCE.format(number),
            "languages": ["ug", "zh"],
        } | overrides
        answer = registry.post("/advisors", json=body, headers=as_admin)
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()["id"]

    return create


@pytest.fixture
def village_file():
    """A villages CSV with the given data rows under the Chinese header."""

    def make(*rows):
        lines = ["乡镇代码,乡镇名称,村社区代码,村社区名称,类型,名称为占位", *rows]
        return ("\n".join(lines) + "\n").encode()

    return make
