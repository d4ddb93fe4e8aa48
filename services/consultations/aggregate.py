"""The consultations' counts by columns (what a rebuild starts from)."""

import sqlalchemy as sa

from services.consultations.facts import DIMENSIONS
from services.consultations.models import Consultation
from shared.aggregates import AggregateSpec

METRICS = {"consultations": sa.func.count()}


SPEC = AggregateSpec(Consultation, columns=DIMENSIONS, metrics=METRICS)
