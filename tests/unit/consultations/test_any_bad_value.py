"""Whatever value an advisor's app sends in any field of a consultation (its resident's
included), the answer is never a 500: hypothesis puts arbitrary JSON into one field of a
valid body at a time, on every write path."""

from hypothesis import given
from hypothesis import strategies as st

from tests.support.any_json import ANY_JSON, EXAMPLES, assert_answered, post, send

FIELDS = (
    "id", "village_code", "occurred_at", "channel", "category", "question", "advice",
    "outcome", "follow_up_on", "resident", "unknown_field",
)  # fmt: skip
RESIDENT_FIELDS = ("name", "phone", "id_number", "gender", "ethnicity", "language")


@EXAMPLES
@given(field=st.sampled_from(FIELDS + RESIDENT_FIELDS), value=ANY_JSON)
def test_any_value_in_a_consultation(api, advisor, make_consultation, field, value):
    body = make_consultation()
    if field in RESIDENT_FIELDS:
        body["resident"] = body["resident"] | {field: value}
    else:
        body[field] = value
    assert_answered(post(api, "/consultations", body, advisor()), "/consultations")
    answer = post(api, "/consultations/batch", {"items": [{"kind": "consultation", "data": body}]},
                  advisor())  # fmt: skip
    assert_answered(answer, "/consultations/batch")
    assert answer.status_code == 200  # the item answers for itself

    stored = make_consultation()
    post(api, "/consultations", stored, advisor())
    path = f"/consultations/{stored['id']}"
    correction = {key: item for key, item in body.items() if key != "id"} | {"version": 1}
    assert_answered(send(api.put, path, correction, advisor()), path)
    for tail, valid in (("/void", {"version": 1, "reason": "重复录入"}),
                        ("/mediation", {"version": 1, "result": "success"})):  # fmt: skip
        for key in valid:
            assert_answered(post(api, path + tail, valid | {key: value}, advisor()), path + tail)
