"""The canonical text a fingerprint is taken of never changes: it is exactly what `json`
wrote, whichever library writes it now."""

import json
from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.json_text import canonical_json, stored_json


def _json_text(data):
    def iso(value):
        if isinstance(value, datetime | date):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=iso, separators=(",", ":"))


SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text()
    | st.dates() | st.datetimes() | st.datetimes(timezones=st.timezones())
)  # fmt: skip
CONTENT = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400)
@given(CONTENT)
def test_canonical_text_is_what_json_wrote(data):
    assert canonical_json(data) == _json_text(data).encode()


def test_the_floats_and_numbers_where_the_libraries_differ_keep_json_s_text():
    awkward = {"tiny": 1e-05, "huge": 1e16, "nan": float("nan"), "big": 2**70, "lat": 37.27}
    assert canonical_json(awkward) == _json_text(awkward).encode()
    assert b'"tiny":1e-05' in canonical_json(awkward)


def test_stored_text_reads_back_as_the_same_content():
    snapshot = {"day": date(2024, 5, 10), "starts_at": datetime(2024, 5, 10, 3, 0, 0, 120),
                "languages": ["ug", "zh"], "title": "巴扎日普法", "gps": None}  # fmt: skip
    assert json.loads(stored_json(snapshot)) == {
        "day": "2024-05-10", "starts_at": "2024-05-10T03:00:00.000120",
        "languages": ["ug", "zh"], "title": "巴扎日普法", "gps": None,
    }  # fmt: skip
