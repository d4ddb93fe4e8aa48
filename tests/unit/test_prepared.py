"""The statements run on the driver store exactly the text SQLAlchemy would have stored."""

from datetime import datetime

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from shared.prepared import _bind_processor

DIALECT = sqlite.dialect()
DATES_AND_TIMES = (
    st.none() | st.dates() | st.datetimes() | st.datetimes(timezones=st.timezones())
)  # fmt: skip


@settings(max_examples=300)
@given(DATES_AND_TIMES)
def test_a_sqlite_datetime_is_stored_as_sqlalchemy_stores_it(value):
    impl = sa.DateTime().dialect_impl(DIALECT)
    assert _bind_processor(impl, DIALECT)(value) == impl.bind_processor(DIALECT)(value)


@settings(max_examples=300)
@given(st.none() | st.dates())
def test_a_sqlite_date_is_stored_as_sqlalchemy_stores_it(value):
    impl = sa.Date().dialect_impl(DIALECT)
    assert _bind_processor(impl, DIALECT)(value) == impl.bind_processor(DIALECT)(value)


@settings(max_examples=200)
@given(st.lists(DATES_AND_TIMES, min_size=1, max_size=6), st.lists(st.integers(0, 5), max_size=12))
def test_one_processor_writes_each_value_of_a_run_right_when_values_recur(values, picks):
    """The processor keeps the last text it wrote (a request's server time recurs in every
    row): a run of values, the same objects again and again, must each get their own."""
    impl = sa.DateTime().dialect_impl(DIALECT)
    ours, theirs = _bind_processor(impl, DIALECT), impl.bind_processor(DIALECT)
    run = values + [values[pick % len(values)] for pick in picks]
    assert [ours(value) for value in run] == [theirs(value) for value in run]


def test_a_datetime_of_another_storage_format_keeps_its_own_processor():
    impl = sqlite.DATETIME(storage_format="%(year)04d/%(month)02d/%(day)02d")
    assert _bind_processor(impl, DIALECT)(datetime(2024, 5, 1)) == "2024/05/01"
