"""The consultations' counts by columns (what a rebuild starts from)."""

import sqlalchemy as sa

from services.consultations.models import Consultation
from shared.aggregates import grouped_sums

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


def aggregate(session, columns):
    """Counts of active consultations grouped by `columns`."""
    return grouped_sums(session, Consultation, columns, COLUMNS, METRICS)
