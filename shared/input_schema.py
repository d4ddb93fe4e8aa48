"""What a request may carry: text that is valid Unicode, integers the database can store.

JSON can carry a lone UTF-16 surrogate, such as "\\ud83d": it is what a phone leaves when
it cuts an emoji in half to fit a length. Python reads it into a str that no UTF-8
database, fingerprint or log can write. Such a str used to fail only where it was stored:
a 500, and with it every other item of its batch, so the phone's queue could never sync.
A schema built on InputSchema refuses it up front and names the field, as for any other
bad value. In a batch, only that item is invalid.

JSON integers have no limit either, and one past 2**63 - 1 failed in the database driver
the same way; every integer field of a request has a `storable` range. Nor do dates: year 1
at +08:00 is year 0 in UTC, which Python cannot hold; every date and time a request carries
is one of the years this system's records can be about (`plausible_...`). Tests check both.
"""

import re
from datetime import UTC, date, datetime

import marshmallow as ma
from marshmallow import validate

# The largest integer SQLite and PostgreSQL (BIGINT) store: every integer a request carries
# is bounded by it or less (a test checks), else a larger one fails in the driver (a 500).
LARGEST_STORED_INTEGER = 2**63 - 1
# The years a record's dates can fall in: earlier or later ones are typing errors.
FIRST_YEAR, LAST_YEAR = 2000, 2099
OUTSIDE_YEARS = f"Must be in the years {FIRST_YEAR} to {LAST_YEAR}."
NOT_UNICODE = "Is not valid Unicode text (a lone surrogate, as from an emoji cut in half)."
_SURROGATE = re.compile("[\ud800-\udfff]")


def holds_broken_text(value):
    """Whether `value` (a loaded JSON value) holds text with a lone surrogate anywhere."""
    if isinstance(value, str):
        return not value.isascii() and _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(holds_broken_text(key) or holds_broken_text(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(holds_broken_text(item) for item in value)
    return False


def _broken_text_errors(data):
    """{field: [NOT_UNICODE]} for each field of a body whose name or value is broken text.
    A broken field name is written with its surrogate escaped, so the answer can carry it."""
    return {
        key.encode("utf-8", "backslashreplace").decode(): [NOT_UNICODE]
        for key, value in data.items()
        if holds_broken_text(key) or holds_broken_text(value)
    }


def plausible_moment():
    """The range of an aware date and time a request carries."""
    first, after_last = (
        datetime(FIRST_YEAR, 1, 1, tzinfo=UTC),
        datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC),
    )
    return ma.validate.Range(min=first, max=after_last, max_inclusive=False, error=OUTSIDE_YEARS)


def plausible_day():
    """The range of a date a request carries."""
    first, last = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
    return ma.validate.Range(min=first, max=last, error=OUTSIDE_YEARS)


SMALLEST_STORED_INTEGER = -(2**63)


def storable(minimum=None, maximum=LARGEST_STORED_INTEGER):
    """The range of an integer a request carries: within what the database stores (a
    query's -2**64 failed in the driver as surely as a body's 2**64)."""
    minimum = SMALLEST_STORED_INTEGER if minimum is None else max(minimum, SMALLEST_STORED_INTEGER)
    return ma.validate.Range(min=minimum, max=min(maximum, LARGEST_STORED_INTEGER))


class InputSchema(ma.Schema):
    """A schema of what clients send (see the module docstring)."""

    @ma.pre_load(pass_collection=True)
    def refuse_broken_text(self, data, many, **_kwargs):
        # One walk of the whole input; the errors are worked out only when it finds any.
        if not holds_broken_text(data):
            return data
        if many and isinstance(data, list):  # by index, as marshmallow reports items
            errors = {index: _errors_of(item) for index, item in enumerate(data)}
            raise ma.ValidationError({i: fields for i, fields in errors.items() if fields})
        raise ma.ValidationError(_errors_of(data))


def _errors_of(data):
    if isinstance(data, dict):
        return _broken_text_errors(data)
    return {"_schema": [NOT_UNICODE]} if holds_broken_text(data) else {}


class Pattern(validate.Regexp):
    """marshmallow's Regexp, matched against the whole value: `^...$` alone lets a value
    through with a trailing newline (`$` matches before it), and it would be stored."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ma.ValidationError(self._format_error(value))
        return value
