"""Unique reach (人数): how many different people the activities of a year reached, in a
township or the whole county, counted here from the check-ins' person keys.

Only check-ins made with a reference (an ID or work number) name a person across
activities; the rest are counted as check-ins (人次) but cannot tell one person from
another, so they add nothing to 人数. No key, nor anything derived from one, leaves the
service: the answer is three counts.
"""

from datetime import date

import sqlalchemy as sa

from services.activities.models import Activity, CheckIn
from shared.recording.records import ACTIVE

COUNTS = "只统计登记了身份证号或编号的签到人员,同一人多次参加只计一人;未登记编号的签到只计入人次。"


def reach(session, year, township_code=None):
    """{"people", "checkins", "checkins_with_reference"} of the year's active activities
    (of one township, or the county)."""
    statement = (
        sa.select(
            sa.func.count(sa.distinct(CheckIn.person_key)),
            sa.func.count(CheckIn.id),
            sa.func.count(CheckIn.person_key),
        )
        .join(Activity, Activity.id == CheckIn.activity_id)
        .where(
            Activity.status == ACTIVE,
            Activity.day >= date(int(year), 1, 1),
            Activity.day <= date(int(year), 12, 31),
        )
    )
    if township_code is not None:
        statement = statement.where(Activity.township_code == township_code)
    people, checkins, with_reference = session.execute(statement).one()
    return {"people": people, "checkins": checkins, "checkins_with_reference": with_reference}
