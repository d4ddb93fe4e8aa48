"""The activities' figures summed by columns (what a rebuild starts from)."""

import sqlalchemy as sa

from services.activities.facts import DIMENSIONS, lateness
from services.activities.models import Activity
from services.activities.vocabularies import CADRE_STUDY
from shared.aggregates import AggregateSpec

_attendances = sa.case(
    (Activity.headcount >= Activity.checkins, Activity.headcount), else_=Activity.checkins
)
_cadre = Activity.type == CADRE_STUDY
METRICS = {
    "sessions": sa.func.count(),
    "attendances": sa.func.sum(_attendances),
    "online_reach": sa.func.sum(Activity.online_reach),
    "checkins": sa.func.sum(Activity.checkins),
    "cadre_sessions": sa.func.sum(sa.case((_cadre, 1), else_=0)),
    "cadre_attendances": sa.func.sum(sa.case((_cadre, _attendances), else_=0)),
}


SPEC = AggregateSpec(
    Activity,
    columns=DIMENSIONS,
    metrics=METRICS,
    computed={"late": sa.case((Activity.late, lateness(True)), else_=lateness(False))},
)
