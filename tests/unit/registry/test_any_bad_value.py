"""Whatever an admin's client sends in any field of an advisor or an assignment, the
answer is never a 500: hypothesis puts arbitrary JSON into one field at a time."""

from hypothesis import given
from hypothesis import strategies as st

from tests.support.any_json import ANY_JSON, EXAMPLES, assert_answered, post, send
from tests.unit.registry.conftest import LICENCE

ADVISOR = {"name": "律师", "phone": "13800001111", "law_firm": "和田测试律师事务所",
           "licence_no": LICENCE.format(1), "languages": ["ug", "zh"]}  # fmt: skip


@EXAMPLES
@given(field=st.sampled_from((*ADVISOR, "unknown_field")), value=ANY_JSON)
def test_any_value_in_an_advisor(registry, as_admin, field, value):
    assert_answered(post(registry, "/advisors", ADVISOR | {field: value}, as_admin), "/advisors")
    change = {"version": 1} | {field: value}
    assert_answered(send(registry.patch, "/advisors/1", change, as_admin), "/advisors/1")


@EXAMPLES
@given(field=st.sampled_from(("village_code", "advisor_id", "from", "to")), value=ANY_JSON)
def test_any_value_in_an_assignment(registry, as_admin, field, value):
    body = {"village_code": "653222100001", "advisor_id": 1, "from": "2025-01-01"} | {field: value}
    assert_answered(post(registry, "/assignments", body, as_admin), "/assignments")
    end = {"to": value}
    assert_answered(post(registry, "/assignments/1/end", end, as_admin), "/assignments/1/end")
