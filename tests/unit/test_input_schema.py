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
from shared.input_schema import NOT_UNICODE, InputSchema, holds_broken_text
from shared.record_kinds import RecordKind


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


def _json_body_schemas(app):
    """(endpoint, schema class) of every JSON body the app's routes read."""
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
                if parameter["in"] == "json":
                    schema = parameter["schema"]
                    yield endpoint, schema if isinstance(schema, type) else type(schema)


def test_every_json_body_and_every_record_kind_refuses_broken_text(tmp_path, redis_url):
    factories = (create_gateway, create_registry, create_activities, create_consultations,
                 create_stats)  # fmt: skip
    bodies = []
    for number, factory in enumerate(factories):
        app = factory({"DATABASE_URL": f"sqlite:///{tmp_path}/{number}.db", "REDIS_URL": redis_url})
        bodies.extend(_json_body_schemas(app))
    assert len(bodies) >= 15  # what the services read today: the walk finds them
    # A batch's items are checked each by its kind's schema, below, not by the envelope.
    unchecked = [
        f"{endpoint}: {schema.__name__}"
        for endpoint, schema in bodies
        if not issubclass(schema, InputSchema) and schema.__name__ != "BatchRequest"
    ]
    assert unchecked == []
    kinds = (ActivityKind, CheckInKind, ConsultationKind)
    assert {kind for kind in _all_subclasses(RecordKind)} == set(kinds)
    assert all(isinstance(kind.create_schema, InputSchema) for kind in kinds)


def _all_subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _all_subclasses(subclass)
