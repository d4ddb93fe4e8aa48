"""What the stats API's queries may carry: metrics and breakdowns of the catalogue, periods
that exist, areas by code. Anything else is a 422 naming it."""

import re
from datetime import date

import marshmallow as ma
from marshmallow import validate

from services.stats.catalogue import DIMENSIONS, METRICS
from services.stats.quiet import MONTHS_CHOSEN
from shared.clock import CountyTime
from shared.input_schema import InputSchema, Pattern, plausible_day

_PERIOD_SHAPE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_PLAUSIBLE_DAY = plausible_day()


def existing_period(value):
    """A year, month or day (YYYY, YYYY-MM, YYYY-MM-DD) that exists, in the plausible years."""
    try:
        if not _PERIOD_SHAPE.fullmatch(value):
            raise ValueError(value)
        first_day = date.fromisoformat(value + {4: "-01-01", 7: "-01", 10: ""}[len(value)])
    except ValueError:
        raise ma.ValidationError("Use YYYY, YYYY-MM or YYYY-MM-DD, a date that exists.") from None
    _PLAUSIBLE_DAY(first_day)  # its first day in the years every request's dates keep to


AREA = Pattern(r"^(county|township:\d{9}|village:\d{12})$")
METRIC = validate.OneOf(METRICS)


class YearQuery(ma.Schema):
    year = ma.fields.String(
        required=True, validate=[Pattern(r"^\d{4}$", error="Use YYYY."), existing_period]
    )


class SheetChoice(ma.Schema):
    """`format=xlsx`: the same rows as a spreadsheet instead of JSON."""

    format = ma.fields.String(
        load_default="json",
        validate=validate.OneOf(["json", "xlsx"]),
        metadata={"description": "json (default) or xlsx: the same rows as a spreadsheet."},
    )


class SummaryQuery(YearQuery, SheetChoice):
    pass


class FigureQuery(SheetChoice):
    metric = ma.fields.String(required=True, validate=METRIC)
    period = ma.fields.String(required=True, validate=existing_period)
    area = ma.fields.String(load_default="county", validate=AREA)
    by = ma.fields.String(load_default=None, validate=validate.OneOf(DIMENSIONS))


class TrendQuery(YearQuery, SheetChoice):
    metric = ma.fields.String(required=True, validate=METRIC)
    area = ma.fields.String(load_default="county", validate=AREA)


class RankingQuery(SheetChoice):
    metric = ma.fields.String(required=True, validate=METRIC)
    period = ma.fields.String(required=True, validate=existing_period)


class QuietQuery(YearQuery, SheetChoice):
    months = ma.fields.Integer(
        load_default=3,
        validate=[validate.Range(min=1, max=12), validate.OneOf(MONTHS_CHOSEN)],
        metadata={"description": "How many months back from the year's last (or this) month."},
    )


class QuietVillage(ma.Schema):
    township = ma.fields.String()
    township_name = ma.fields.String()
    village = ma.fields.String()
    village_name = ma.fields.String()


class QuietRead(ma.Schema):
    year = ma.fields.String()
    months = ma.fields.List(ma.fields.String(), metadata={"description": "Newest first."})
    villages = ma.fields.Integer(metadata={"description": "Villages in the registry."})
    quiet = ma.fields.List(ma.fields.Nested(QuietVillage))


class PublishedAs(ma.Schema):
    version = ma.fields.Integer()
    published_at = CountyTime()
    published_by = ma.fields.String()


class ReportRead(ma.Schema):
    year = ma.fields.String()
    published = ma.fields.Nested(
        PublishedAs,
        allow_none=True,
        metadata={"description": "The publication whose figures it states; null: live ones."},
    )
    paragraph = ma.fields.String(
        metadata={"description": "The year's paragraph, every count in the county's style."}
    )
    figures = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(),
        metadata={"description": "The exact numbers the paragraph states, by name."},
    )


class PublicationCreate(InputSchema):
    year = ma.fields.String(
        required=True, validate=[Pattern(r"^\d{4}$", error="Use YYYY."), existing_period]
    )


class PublicationRead(ma.Schema):
    year = ma.fields.String()
    version = ma.fields.Integer(metadata={"description": "1 for the year's first, then 2 ..."})
    published_at = CountyTime()
    published_by = ma.fields.String()
    figures = ma.fields.Dict(metadata={"description": "The year summary as it stood then."})
    as_of = ma.fields.Dict(metadata={"description": "Each feed's sequence applied then."})


class ChangeSince(ma.Schema):
    metric = ma.fields.String()
    label = ma.fields.String()
    published = ma.fields.Integer()
    now = ma.fields.Integer()
    difference = ma.fields.Integer(metadata={"description": "now - published"})
    records = ma.fields.String(
        metadata={"description": "The year's records written after the publication."}
    )


class LatestPublicationRead(PublicationRead):
    changes_since = ma.fields.List(ma.fields.Nested(ChangeSince))


class RebuildJobRead(ma.Schema):
    """A rebuild job as its admin polls it: RQ's state, how far it got, and when."""

    job_id = ma.fields.String(attribute="id")
    state = ma.fields.Function(lambda job: job.get_status())
    progress = ma.fields.Function(lambda job: job.meta.get("progress"))
    postponed = ma.fields.Function(
        lambda job: job.meta.get("postponed"),
        metadata={"description": "Why it stopped early (a source did not answer), or null."},
    )
    enqueued_at = CountyTime()
    started_at = CountyTime()
    ended_at = CountyTime()
