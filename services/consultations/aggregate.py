"""The consultations' counts by columns (what a rebuild starts from)."""

import sqlalchemy as sa

from services.consultations.models import Consultation
from shared.aggregates import AggregateSpec

COLUMNS = {
    "day",
    "township_code",
    "village_code",
    "category",
    "channel",
    "outcome",
    "advisor_id",
    "mediation_result",
}
METRICS = {"consultations": sa.func.count()}


SPEC = AggregateSpec(Consultation, columns=COLUMNS, metrics=METRICS)
