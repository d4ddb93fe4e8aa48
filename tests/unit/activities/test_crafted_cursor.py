"""A cursor that decodes to anything but the list we encode is a 422, never a 500."""

import base64
import json

import pytest


@pytest.mark.parametrize("decoded", [{"a": 1}, {"0": "2024-01-01"}, 7, "2024-01-01", None, []])
def test_a_cursor_that_is_not_ours_is_422(api, staff, decoded):
    cursor = base64.urlsafe_b64encode(json.dumps(decoded).encode()).decode()
    answer = api.get("/activities", query_string={"cursor": cursor}, headers=staff)
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"cursor"}
