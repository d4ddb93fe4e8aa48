"""Request bodies must hold valid Unicode text: the check itself, and that every body's
schema (and every kind a batch item is checked by) makes it."""

import marshmallow as ma
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway import create_app as create_gateway
from services.activities import create_app as create_activities
from services.activities.kinds import ActivityKind, CheckInKind
from services.consultations import create_app as create_consultations
from services.consultations.kinds import ConsultationKind
from services.registry import create_app as create_registry
from services.stats import create_app as create_stats
from shared.input_schema import (
    FIRST_YEAR,
    LARGEST_STORED_INTEGER,
    LAST_YEAR,
    NOT_UNICODE,
    InputSchema,
    holds_broken_text,
)
from shared.recording.kinds import RecordKind


def _utf8_writable(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_text_is_broken_exactly_when_utf8_cannot_write_it(text):
    assert holds_broken_text(text) == (not _utf8_writable(text))


def test_broken_text_is_found_in_names_and_at_any_depth():
    assert holds_broken_text({"gps": {"lat": 1.0, "note": ["ok", "\udfff"]}})
    assert holds_broken_text({"\ud800": 1})
    assert not holds_broken_text({"title": "普法 🙂", "n": [1, 2.5, None, True]})


class Body(InputSchema):
    title = ma.fields.String()
    tags = ma.fields.List(ma.fields.String())


def test_a_body_names_each_broken_field_and_an_item_of_many_only_its_own():
    with pytest.raises(ma.ValidationError) as refused:
        Body().load({"title": "\ud83d", "tags": ["a", "b\udc00"]})
    assert refused.value.messages == {"title": [NOT_UNICODE], "tags": [NOT_UNICODE]}

    with pytest.raises(ma.ValidationError) as refused:
        Body().load([{"title": "fine"}, {"title": "\ud83d"}, "\ud83d"], many=True)
    assert refused.value.messages == {1: {"title": [NOT_UNICODE]}, 2: {"_schema": [NOT_UNICODE]}}
    assert Body().load([{"title": "fine 🙂"}], many=True) == [{"title": "fine 🙂"}]


def _argument_schemas(app):
    """(endpoint, location, schema class) of everything the app's routes read."""
    for endpoint, view in app.view_functions.items():
        view_class = getattr(view, "view_class", None)
        handlers = (
            [getattr(view_class, method.lower()) for method in view_class.methods]
            if view_class is not None
            else [view]
        )
        for handler in handlers:
            arguments = getattr(handler, "_apidoc", {}).get("arguments", {})
            for parameter in arguments.get("parameters", []):
                schema = parameter["schema"]
                yield (
                    endpoint,
                    parameter["in"],
                    schema if isinstance(schema, type) else type(schema),
                )


@pytest.fixture
def argument_schemas(tmp_path, redis_url):
    """What every route of the five apps reads: (endpoint, location, schema class)."""
    factories = (create_gateway, create_registry, create_activities, create_consultations,
                 create_stats)  # fmt: skip
    found = []
    for number, factory in enumerate(factories):
        app = factory({"DATABASE_URL": f"sqlite:///{tmp_path}/{number}.db", "REDIS_URL": redis_url})
        found.extend(_argument_schemas(app))
    return found


def test_every_json_body_and_every_record_kind_refuses_broken_text(argument_schemas):
    bodies = [(endpoint, schema) for endpoint, where, schema in argument_schemas if where == "json"]
    assert len(bodies) >= 15  # what the services read today: the walk finds them
    # A batch's items are checked each by its kind's schema, below, not by the envelope.
    unchecked = [
        f"{endpoint}: {schema.__name__}"
        for endpoint, schema in bodies
        if not issubclass(schema, InputSchema) and schema.__name__ != "BatchRequest"
    ]
    assert unchecked == [], "\n".join(unchecked)
    kinds = (ActivityKind, CheckInKind, ConsultationKind)
    assert {kind for kind in _all_subclasses(RecordKind)} == set(kinds)
    assert all(isinstance(kind.create_schema, InputSchema) for kind in kinds)


def _all_subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _all_subclasses(subclass)


def _fields_of(schema, kind, path=""):
    """(path, field) of every field of `kind` a schema reads, nested ones included."""
    for name, field in schema._declared_fields.items():
        yield from _fields_in(field, kind, f"{path}{name}")


def _fields_in(field, kind, path):
    if isinstance(field, kind):
        yield path, field
    elif isinstance(field, ma.fields.Nested):
        nested = field.nested if isinstance(field.nested, type) else type(field.nested)
        yield from _fields_of(nested, kind, f"{path}.")
    elif isinstance(field, ma.fields.List):
        yield from _fields_in(field.inner, kind, f"{path}[]")
    elif isinstance(field, ma.fields.Dict) and field.value_field is not None:
        yield from _fields_in(field.value_field, kind, f"{path}{{}}")


def _read_schemas(argument_schemas):
    """(where, schema class) of everything a request carries: route arguments, batch items."""
    read = {(endpoint, schema) for endpoint, _where, schema in argument_schemas}
    return read | {(kind.name, type(kind.create_schema)) for kind in _all_subclasses(RecordKind)}


def _bounded(field):
    return any(
        isinstance(rule, ma.validate.Range)
        and rule.max is not None
        and rule.max <= LARGEST_STORED_INTEGER
        for rule in field.validators
    )


def test_every_integer_a_request_carries_has_a_bound_the_database_can_store(argument_schemas):
    integers = [
        (f"{endpoint}: {schema.__name__}.{path}", field)
        for endpoint, schema in _read_schemas(argument_schemas)
        for path, field in _fields_of(schema, ma.fields.Integer)
    ]
    assert len(integers) >= 8  # the walk finds them (limits, versions, counts, ids)
    unbounded = sorted(name for name, field in integers if not _bounded(field))
    assert unbounded == [], "\n".join(unbounded)


def test_every_date_and_time_a_request_carries_is_kept_to_plausible_years(argument_schemas):
    times = [
        (f"{endpoint}: {schema.__name__}.{path}", field)
        for endpoint, schema in _read_schemas(argument_schemas)
        for path, field in _fields_of(schema, ma.fields.DateTime)  # Date is one too
    ]
    assert len(times) >= 10  # the walk finds them (activity times, assignments, filters)
    unchecked = sorted(name for name, field in times if not _kept_to_plausible_years(field))
    assert unchecked == [], "\n".join(unchecked)


def _kept_to_plausible_years(field):
    return any(
        isinstance(rule, ma.validate.Range)
        and rule.min is not None
        and rule.max is not None
        and rule.min.year >= FIRST_YEAR
        and rule.max.year <= LAST_YEAR + 1
        for rule in field.validators
    )
