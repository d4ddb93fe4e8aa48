"""Check-ins stored before names were encrypted: the migration encrypts them and keys
their fingerprints, and a phone that sends such a check-in again is told it is the same."""

import sqlite3
import uuid
from datetime import datetime

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig

from services.activities import MIGRATIONS, create_app
from services.activities.kinds import attendee_key
from shared import registry_client
from shared.recording.records import content_digest
from tests.unit.activities.test_batch_and_corrections import checkin

NAME = "阿依古丽·吐尔逊"


def _upgrade(app, revision):
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with app.app_context(), app.extensions["database"].engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_clear_check_ins_are_encrypted_and_still_known(
    tmp_path, redis_url, registry_service, staff
):
    registry_client.forget_cache()
    database = tmp_path / "activities.db"
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "REDIS_URL": redis_url,
            "SERVICE_URLS": {"registry": registry_service.url},
        }
    )
    _upgrade(app, "activities_0003")
    activity_id = str(uuid.uuid4())
    body = checkin(activity_id, NAME)
    moment = datetime(2024, 5, 10, 3, 5)  # body's checked_in_at, in UTC
    now = datetime(2024, 5, 10, 4, 0)
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO activities VALUES (:id, 'd', 1, 'active', '法润巴扎', '巴扎日', "
                "'司法局', 'public', '653222100', NULL, '巴扎', NULL, NULL, :start, :end, "
                "'2024-05-10', 10, 0, 1, '[]', '', '7', NULL, :now, :now, 0)"
            ),
            {"id": activity_id, "start": moment, "end": now, "now": now},
        )
        with app.app_context():
            attendee = attendee_key(activity_id, NAME, None)
        old_values = {
            "activity_id": activity_id,
            "attendee_name": NAME,
            "attendee_key": attendee,
            "checked_in_at": moment,
        }
        connection.execute(
            sa.text(
                "INSERT INTO checkins VALUES (:id, :digest, :activity, :key, :name, :at, '7', :now)"
            ),
            {
                "id": body["id"],
                "digest": content_digest(old_values),  # what the clear-name code stored
                "activity": activity_id,
                "key": attendee,
                "name": NAME,
                "at": moment,
                "now": now,
            },
        )
    engine.dispose()

    _upgrade(app, "head")
    with sqlite3.connect(database) as raw:
        assert NAME not in "\n".join(raw.iterdump())
    api = app.test_client()
    again = api.post(f"/activities/{activity_id}/checkins", json=body, headers=staff)
    assert again.status_code == 200, again.get_json()  # the same check-in, not a conflict
    listed = api.get(f"/activities/{activity_id}/checkins", headers=staff).get_json()
    assert [c["attendee_name"] for c in listed] == [NAME]
