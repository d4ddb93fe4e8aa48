"""Whatever a client sends in any field of a login, a refresh or an account, the answer
is never a 500: hypothesis puts arbitrary JSON into one field at a time."""

from hypothesis import given
from hypothesis import strategies as st

from tests.support.any_json import ANY_JSON, EXAMPLES, assert_answered, post

BODIES = {
    "password grant": ("/api/v1/auth/token", {"grant_type": "password", "username": "ahmat",
                                              "password": "x" * 12}),
    "refresh grant": ("/api/v1/auth/token", {"grant_type": "refresh_token",
                                             "refresh_token": "r" * 40}),
    "logout": ("/api/v1/auth/logout", {"refresh_token": "r" * 40}),
    "account": ("/api/v1/accounts", {"username": "new.user", "password": "correct-horse-9",
                                     "role": "staff", "scope": {"township": "653222100"}}),
}  # fmt: skip


@EXAMPLES
@given(data=st.data(), value=ANY_JSON)
def test_any_value_in_a_gateway_body(gw, auth_header, data, value):
    path, body = BODIES[data.draw(st.sampled_from(sorted(BODIES)))]
    field = data.draw(st.sampled_from([*body, "unknown_field"]))
    answer = post(gw, path, body | {field: value}, auth_header("admin"))
    assert_answered(answer, path)
    assert answer.status_code != 404, path  # the route exists: the body was read
