"""Request and answer schemas of the consultations service."""

import marshmallow as ma
from marshmallow import ValidationError, fields, validate, validates

from services.consultations.pii import id_number_problem, mask_id_number
from shared.auth import current_principal
from shared.clock import CountyTime, days_after
from shared.input_schema import InputSchema, Pattern, plausible_day, plausible_moment
from shared.masking import mask_name, mask_phone, mask_text
from shared.recording.schemas import RecordListQuery, RegistryName, page_schema, version_field

CHANNELS = ("面谈", "电话", "微信", "上门走访", "公共法律服务站/室")
CATEGORIES = (
    "婚恋",
    "家庭",
    "邻里",
    "土地承包",
    "劳动报酬",
    "合同借贷",
    "人身损害",
    "行政争议",
    "其他",
)
OUTCOMES = ("当场解答", "转人民调解", "转法律援助", "引导诉讼", "转有关部门", "其他")
REFERRED_TO_MEDIATION = "转人民调解"
GENDERS = ("male", "female")


class Resident(ma.Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    phone = fields.String(load_default=None, validate=Pattern(r"^1[3-9]\d{9}$"))
    id_number = fields.String(load_default=None)
    gender = fields.String(load_default=None, validate=validate.OneOf(GENDERS))
    ethnicity = fields.String(load_default=None, validate=validate.Length(max=20))
    language = fields.String(load_default=None, validate=validate.Length(max=10))

    @validates("id_number")
    def valid_id_number(self, value, **kwargs):
        problem = value is not None and id_number_problem(value)
        if problem:
            raise ValidationError(problem)


class ConsultationContent(InputSchema):
    village_code = fields.String(required=True, validate=Pattern(r"^\d{12}$"))
    occurred_at = fields.AwareDateTime(required=True, validate=plausible_moment())
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    question = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    advice = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    follow_up_on = fields.Date(load_default=None, allow_none=True, validate=plausible_day())
    resident = fields.Nested(Resident, required=True)


class ConsultationCreate(ConsultationContent):
    id = fields.UUID(required=True)


class ConsultationUpdate(ConsultationContent):
    version = version_field()


class MediationResult(InputSchema):
    version = version_field()
    result = fields.String(required=True, validate=validate.OneOf(["success", "failure"]))
    note = fields.String(load_default="", validate=validate.Length(max=500))


def may_see_resident(principal, consultation):
    """The recording advisor and admins see the resident; everyone else a mask."""
    if principal.role == "admin":
        return True
    return (
        principal.role == "advisor"
        and str(principal.scope.get("advisor_id")) == consultation.advisor_id
    )


def masked(resident):
    """The resident as those without the right to see them get it."""
    return {
        "name": mask_name(resident.get("name")),
        "phone": mask_phone(resident.get("phone")),
        "id_number": mask_id_number(resident.get("id_number")),
        "gender": None,
        "ethnicity": None,
        "language": resident.get("language"),
    }


class ConsultationRead(ma.Schema):
    id = fields.String()
    version = fields.Integer()
    status = fields.String()
    advisor_id = fields.String()
    advisor_name = RegistryName("advisor_id", "advisor_id")
    village_code = fields.String()
    village_name = RegistryName("village", "village_code")
    township_code = fields.String()
    township_name = RegistryName("township", "township_code")
    occurred_at = CountyTime()
    day = fields.Date()
    channel = fields.String()
    category = fields.String()
    question = fields.Method("visible_question")
    advice = fields.Method("visible_advice")
    outcome = fields.String()
    follow_up_on = fields.Date(allow_none=True)
    mediation_result = fields.String(allow_none=True)
    resident = fields.Method("visible_resident")
    resident_masked = fields.Method("is_masked")
    recorded_at = CountyTime()
    recorded_days_after = fields.Method(
        "days_after", metadata={"description": "Days from the consultation to its recording."}
    )
    duplicate = fields.Boolean()

    def days_after(self, consultation):
        """Whole days, in county time, from the day it was given to when it was recorded."""
        return days_after(consultation.day, consultation.recorded_at)

    def visible_resident(self, consultation):
        """Full for the recording advisor and admins, masked for everyone else."""
        resident = consultation.resident
        return resident if may_see_resident(current_principal(), consultation) else masked(resident)

    def is_masked(self, consultation):
        return not may_see_resident(current_principal(), consultation)

    def visible_question(self, consultation):
        """As written for those who may see the resident; ID numbers and phones masked."""
        return self._visible_text(consultation, consultation.question)

    def visible_advice(self, consultation):
        """As written for those who may see the resident; ID numbers and phones masked."""
        return self._visible_text(consultation, consultation.advice)

    def _visible_text(self, consultation, text):
        return text if may_see_resident(current_principal(), consultation) else mask_text(text)


class ConsultationQuery(RecordListQuery):
    advisor = fields.String()
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    mediation_result = fields.String(validate=validate.OneOf(["success", "failure"]))


ConsultationPage = page_schema(ConsultationRead)
# The record list as a spreadsheet (format=xlsx): (key of ConsultationRead, Chinese
# header); the resident as ConsultationRead shows it to the caller (masked but for its
# advisor and admins).
CONSULTATION_COLUMNS = (
    ("id", "编号"),
    ("day", "日期"),
    ("occurred_at", "咨询时间"),
    ("township_code", "乡镇代码"),
    ("township_name", "乡镇"),
    ("village_code", "村(社区)代码"),
    ("village_name", "村(社区)"),
    ("advisor_id", "法律顾问编号"),
    ("advisor_name", "法律顾问"),
    ("category", "咨询类别"),
    ("channel", "咨询方式"),
    ("outcome", "办理结果"),
    ("mediation_result", "调解结果"),
    ("question", "咨询问题"),
    ("advice", "解答意见"),
    ("follow_up_on", "回访日期"),
    ("resident.name", "咨询人"),
    ("resident.phone", "电话"),
    ("resident.id_number", "身份证号"),
    ("resident.gender", "性别"),
    ("resident.ethnicity", "民族"),
    ("resident.language", "语言"),
    ("status", "状态"),
    ("version", "版本"),
    ("recorded_at", "录入时间"),
)
