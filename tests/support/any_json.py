"""Arbitrary JSON values for the tests that no bad input is ever a 500."""

import json

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

ANY_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()  # NaN and infinities included: json writes them as NaN, Infinity
    | st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def send(method, path, body, headers):
    """Send the body as `json` writes it (NaN and Infinity as such, broken text escaped)."""
    return method(
        path, data=json.dumps(body), headers=headers | {"Content-Type": "application/json"}
    )


def post(api, path, body, headers):
    return send(api.post, path, body, headers)


def assert_answered(answer, path):
    assert answer.status_code < 500, (path, answer.get_json())
    assert answer.is_json
