"""Request and answer schemas of the registry."""

import re

import marshmallow as ma
from marshmallow import ValidationError, fields, validate

from services.registry.models import TOWNSHIP_KINDS, VILLAGE_KINDS
from shared.auth import current_principal
from shared.input_schema import InputSchema, Pattern, plausible_day, storable
from shared.masking import mask_phone
from shared.recording.schemas import version_field

LANGUAGES = ("ug", "zh", "kk", "ky", "ru", "en")
# 律师执业证号: 17 digits — category, 6-digit region, 4-digit year, type, gender, serial.
LICENCE = re.compile(r"^1\d{6}(19|20)\d{2}\d{6}$")
PHONE = Pattern(r"^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$", error="Not a phone number.")
VILLAGE_CODE = Pattern(r"^\d{12}$", error="Must be a 12-digit division code.")
TOWNSHIP_CODE = Pattern(r"^\d{9}$", error="Must be a 9-digit division code.")


def validate_licence(value):
    """Check the form of a practising-licence number (执业证号)."""
    if not LICENCE.fullmatch(value):
        raise ValidationError("Must be a 17-digit practising-licence number (执业证号).")


class TownshipRead(ma.Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String(validate=validate.OneOf(TOWNSHIP_KINDS))
    villages = fields.Integer()


class VillageRead(ma.Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String(validate=validate.OneOf(VILLAGE_KINDS))
    township_code = fields.String()
    township_name = fields.String(attribute="township.name")
    placeholder_name = fields.Boolean()


def search_field(what):
    """`q`: a piece of text to look for (a name or a code), at most 50 characters."""
    return fields.String(
        data_key="q",
        validate=validate.Length(min=1, max=50),
        metadata={"description": f"Only {what} holding this text."},
    )


class TownshipQuery(ma.Schema):
    text = search_field("townships whose name or code is")


class VillageQuery(ma.Schema):
    township = fields.String(validate=TOWNSHIP_CODE)
    text = search_field("villages whose name or code is")


class DateQuery(ma.Schema):
    date = fields.Date(
        load_default=None,
        validate=plausible_day(),
        metadata={"description": "Defaults to today (Asia/Shanghai)."},
    )


class CoverageQuery(DateQuery):
    since = fields.Date(
        load_default=None,
        validate=plausible_day(),
        metadata={"description": "Count what was in force on any day from here to `date`."},
    )

    @ma.validates_schema
    def since_before_date(self, data, **_kwargs):
        if data.get("since") and data.get("date") and data["since"] > data["date"]:
            raise ma.ValidationError("Must not be after `date`.", "since")


class AdvisorCreate(InputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    phone = fields.String(required=True, validate=PHONE)
    law_firm = fields.String(required=True, validate=validate.Length(min=1, max=100))
    licence_no = fields.String(required=True, validate=validate_licence)
    languages = fields.List(
        fields.String(validate=validate.OneOf(LANGUAGES)),
        required=True,
        validate=validate.Length(min=1),
    )
    active = fields.Boolean(load_default=True)


ADVISOR_FIELDS = tuple(AdvisorCreate().fields)


class AdvisorUpdate(AdvisorCreate):
    """Any of the advisor's fields, with the version the change is based on."""

    version = version_field()


class AdvisorRead(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    phone = fields.Method("visible_phone")
    law_firm = fields.String()
    licence_no = fields.String()
    languages = fields.List(fields.String())
    active = fields.Boolean()
    version = fields.Integer()

    def visible_phone(self, advisor):
        """Admins see the number; everyone else a masked one."""
        return advisor.phone if current_principal().role == "admin" else mask_phone(advisor.phone)


class AdvisorQuery(ma.Schema):
    active = fields.Boolean()
    text = search_field("advisors whose name, law firm, licence number or phone is")


class AssignmentCreate(InputSchema):
    village_code = fields.String(required=True, validate=VILLAGE_CODE)
    advisor_id = fields.Integer(required=True, strict=True, validate=storable())
    valid_from = fields.Date(required=True, data_key="from", validate=plausible_day())
    valid_to = fields.Date(load_default=None, data_key="to", validate=plausible_day())


class AssignmentEnd(InputSchema):
    valid_to = fields.Date(required=True, data_key="to", validate=plausible_day())


class AssignmentRead(ma.Schema):
    id = fields.Integer()
    village_code = fields.String()
    advisor_id = fields.Integer()
    valid_from = fields.Date(data_key="from")
    valid_to = fields.Date(data_key="to", allow_none=True)


class AssignmentMade(ma.Schema):
    assignment = fields.Nested(AssignmentRead)
    closed = fields.Nested(AssignmentRead, allow_none=True)


class AssignmentQuery(ma.Schema):
    village = fields.String(validate=VILLAGE_CODE)
    advisor = fields.Integer(validate=storable())


class TimelineEntry(ma.Schema):
    id = fields.Integer(metadata={"description": "The assignment's id (to end it)."})
    valid_from = fields.Date(data_key="from")
    valid_to = fields.Date(data_key="to", allow_none=True)
    in_force = fields.Boolean(metadata={"description": "In force on `date`."})
    advisor = fields.Nested(AdvisorRead)


class VillageTimeline(ma.Schema):
    village = fields.Nested(VillageRead)
    date = fields.Date()
    assignments = fields.List(fields.Nested(TimelineEntry))


class VillagesOfAdvisor(ma.Schema):
    advisor_id = fields.Integer()
    date = fields.Date()
    villages = fields.List(fields.String())


class AdvisorOfVillage(ma.Schema):
    village_code = fields.String()
    date = fields.Date()
    advisor = fields.Nested(AdvisorRead, allow_none=True)


class UncoveredVillage(ma.Schema):
    code = fields.String()
    name = fields.String()


class TownshipCoverage(ma.Schema):
    township_code = fields.String()
    township_name = fields.String()
    villages = fields.Integer()
    covered = fields.Integer()
    ratio = fields.Float()
    uncovered = fields.List(fields.Nested(UncoveredVillage))


class CoverageRead(ma.Schema):
    date = fields.String()
    since = fields.String()
    advisors = fields.Integer(metadata={"description": "Advisors serving any of them."})
    villages = fields.Integer()
    covered = fields.Integer()
    ratio = fields.Float()
    townships = fields.List(fields.Nested(TownshipCoverage))


class AdvisorLoadRead(ma.Schema):
    advisor_id = fields.Integer()
    name = fields.String()
    villages = fields.Integer()
