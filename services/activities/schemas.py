"""Request and answer schemas of the activities service."""

import re
from datetime import UTC, datetime, timedelta

import marshmallow as ma
from marshmallow import ValidationError, fields, validate, validates_schema

from services.activities.facts import attendances
from services.activities.vocabularies import AUDIENCES, LANGUAGES, ONLINE, ORGANISERS, TYPES
from shared.auth import current_principal
from shared.clock import CountyTime, days_after
from shared.input_schema import InputSchema, Pattern, plausible_moment, storable
from shared.masking import mask_name, mask_text
from shared.recording.schemas import RecordListQuery, RegistryName, page_schema, version_field

CLOCK_SKEW = timedelta(minutes=10)
# Views of one online activity: past any county's post, far below what the rollups can sum.
ONLINE_REACH_LIMIT = 1_000_000_000
# A generous box around Xinjiang: a point outside it is a typing or GPS error.
LATITUDES, LONGITUDES = (34.0, 49.5), (73.0, 96.5)


class Gps(ma.Schema):
    lat = fields.Float(required=True, validate=validate.Range(*LATITUDES))
    lon = fields.Float(required=True, validate=validate.Range(*LONGITUDES))


class ActivityContent(InputSchema):
    """What staff record about an activity (the client's content, hashed for idempotency)."""

    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    organiser = fields.String(required=True, validate=validate.OneOf(ORGANISERS))
    audience = fields.String(required=True, validate=validate.OneOf(AUDIENCES))
    township_code = fields.String(required=True, validate=Pattern(r"^\d{9}$"))
    village_code = fields.String(load_default=None, allow_none=True, validate=Pattern(r"^\d{12}$"))
    venue = fields.String(required=True, validate=validate.Length(min=1, max=200))
    gps = fields.Nested(Gps, load_default=None, allow_none=True)
    starts_at = fields.AwareDateTime(required=True, validate=plausible_moment())
    ends_at = fields.AwareDateTime(required=True, validate=plausible_moment())
    headcount = fields.Integer(
        load_default=0, strict=True, validate=validate.Range(min=0, max=100000)
    )
    online_reach = fields.Integer(
        load_default=0, strict=True, validate=storable(0, maximum=ONLINE_REACH_LIMIT)
    )
    languages = fields.List(fields.String(validate=validate.OneOf(LANGUAGES)), load_default=list)
    notes = fields.String(load_default="", validate=validate.Length(max=2000))
    client_recorded_at = fields.AwareDateTime(
        load_default=None, allow_none=True, validate=plausible_moment()
    )

    @validates_schema
    def times_and_reach(self, data, **kwargs):
        errors = {}
        if data["ends_at"] < data["starts_at"]:
            errors["ends_at"] = ["Must not be before starts_at."]
        if data["starts_at"] > datetime.now(UTC) + CLOCK_SKEW:
            errors["starts_at"] = ["Is in the future."]
        if data["type"] == ONLINE and data["headcount"]:
            errors["headcount"] = ["Online 普法 counts its reach (online_reach), not attendances."]
        if data["type"] != ONLINE and data["online_reach"]:
            errors["online_reach"] = [f"Only {ONLINE} has an online reach."]
        if errors:
            raise ValidationError(errors)


class ActivityCreate(ActivityContent):
    id = fields.UUID(required=True)


class ActivityUpdate(ActivityContent):
    version = version_field()


class CheckInCreate(InputSchema):
    id = fields.UUID(required=True, metadata={"description": "The client's nonce."})
    activity_id = fields.UUID(required=True)
    attendee_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    attendee_ref = fields.String(
        load_default=None,
        validate=validate.Length(max=64),
        metadata={"description": "An identifier of the person (work number, phone): dedupes."},
    )
    checked_in_at = fields.AwareDateTime(required=True, validate=plausible_moment())


class ActivityRead(ma.Schema):
    id = fields.String()
    version = fields.Integer()
    status = fields.String()
    type = fields.String()
    title = fields.String()
    organiser = fields.String()
    audience = fields.String()
    township_code = fields.String()
    township_name = RegistryName("township", "township_code")
    village_code = fields.String(allow_none=True)
    village_name = RegistryName("village", "village_code")
    venue = fields.String()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    starts_at = CountyTime()
    ends_at = CountyTime()
    day = fields.Date()
    headcount = fields.Integer()
    online_reach = fields.Integer()
    checkins = fields.Integer()
    attendances = fields.Method("attendance_figure")
    languages = fields.List(fields.String())
    notes = fields.Method("visible_notes")
    recorded_by = fields.String()
    client_recorded_at = CountyTime(allow_none=True)
    recorded_at = CountyTime()
    late = fields.Boolean(
        metadata={"description": "Recorded while its month was closed (by an exception)."}
    )
    recorded_days_after = fields.Method(
        "days_after", metadata={"description": "Days from the activity to its recording."}
    )
    duplicate = fields.Boolean()

    def days_after(self, activity):
        """Whole days, in county time, from the day it took place to when it was recorded."""
        return days_after(activity.day, activity.recorded_at)

    def visible_notes(self, activity):
        """As written for its recorder and admins; ID numbers and phones masked for others."""
        if may_see_personal(current_principal(), activity):
            return activity.notes
        return mask_text(activity.notes)

    def attendance_figure(self, activity):
        """Attendances (人次): the larger of the headcount and the distinct check-ins."""
        return attendances(activity)


class CheckInRead(ma.Schema):
    id = fields.String()
    activity_id = fields.String()
    attendee_name = fields.Method("visible_name")
    checked_in_at = CountyTime()
    duplicate = fields.Boolean()

    def visible_name(self, checkin):
        """The recording user and admins see the name; everyone else a masked one."""
        if may_see_personal(current_principal(), checkin):
            return checkin.attendee_name
        return mask_name(checkin.attendee_name)


def may_see_personal(principal, record):
    """Whether a caller sees a record's personal data as written: its recorder and admins."""
    return principal.role == "admin" or principal.subject == record.recorded_by


class ActivityQuery(RecordListQuery):
    late = fields.Boolean(metadata={"description": "Only late records (true), or none."})
    type = fields.String(validate=validate.OneOf(TYPES))
    organiser = fields.String(validate=validate.OneOf(ORGANISERS))
    audience = fields.String(validate=validate.OneOf(AUDIENCES))


ActivityPage = page_schema(ActivityRead)
# The record list as a spreadsheet (format=xlsx): (key of ActivityRead, Chinese header).
ACTIVITY_COLUMNS = (
    ("id", "编号"),
    ("day", "日期"),
    ("township_code", "乡镇代码"),
    ("township_name", "乡镇"),
    ("village_code", "村(社区)代码"),
    ("village_name", "村(社区)"),
    ("type", "活动类型"),
    ("title", "活动名称"),
    ("organiser", "主办单位"),
    ("audience", "对象"),
    ("venue", "地点"),
    ("starts_at", "开始时间"),
    ("ends_at", "结束时间"),
    ("headcount", "现场人数"),
    ("checkins", "签到人次"),
    ("attendances", "覆盖人次"),
    ("online_reach", "新媒体浏览量"),
    ("languages", "语言"),
    ("late", "关账后补录"),
    ("status", "状态"),
    ("version", "版本"),
    ("recorded_by", "录入人"),
    ("recorded_at", "录入时间"),
    ("notes", "备注"),
)


class PeriodClose(InputSchema):
    period = fields.String(required=True, validate=Pattern(r"^\d{4}-(0[1-9]|1[0-2])$"))


class PeriodExceptionCreate(PeriodClose):
    township_code = fields.String(required=True, validate=Pattern(r"^\d{9}$"))
    until = fields.AwareDateTime(required=True, validate=plausible_moment())
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))


class VocabularyRead(ma.Schema):
    types = fields.List(fields.String())
    organisers = fields.List(fields.String())
    audiences = fields.List(fields.String())
    languages = fields.List(fields.String())


def plausible_year(value):
    """A year (YYYY) in the years every request's dates keep to."""
    if not re.fullmatch(r"[0-9]{4}", value):
        return  # the pattern beside it says what is wrong (marshmallow runs both)
    if value == "0000":
        raise ValidationError("Use YYYY.")
    plausible_moment()(datetime(int(value), 1, 1, tzinfo=UTC))


class ReachQuery(ma.Schema):
    year = fields.String(
        required=True,
        validate=[Pattern(r"^[0-9]{4}$", error="Use YYYY."), plausible_year],
    )
    township_code = fields.String(validate=Pattern(r"^\d{9}$"))


class ReachRead(ma.Schema):
    year = fields.String()
    township_code = fields.String(allow_none=True, metadata={"description": "null: the county"})
    township_name = fields.String(allow_none=True)
    people = fields.Integer(
        metadata={"description": "人数: different people among the check-ins with a reference."}
    )
    checkins = fields.Integer(metadata={"description": "人次: every check-in."})
    checkins_with_reference = fields.Integer(
        metadata={"description": "The check-ins made with an ID or work number."}
    )
    counts = fields.String(metadata={"description": "What 人数 counts, in Chinese."})
