"""Schemas every recording service shares: batches, per-item results, history."""

import marshmallow as ma
from marshmallow import fields, validate

from shared import registry_client
from shared.input_schema import InputSchema, Pattern, plausible_day, plausible_moment, storable
from shared.messages import localise

BATCH_LIMIT = 500


def batch_request_schema(kinds):
    """A batch of up to 500 items, each {"kind": one of `kinds`, "data": {...}}.

    Items are checked one by one by the Recorder (a bad kind or data answers `invalid`
    for that item alone), not here: a nested schema per item cost more than the check."""
    item = f'{{"kind": one of {", ".join(kinds)}; "data": that record}}'

    class BatchRequest(ma.Schema):
        items = fields.List(
            fields.Dict(metadata={"description": item}),
            required=True,
            validate=validate.Length(min=1, max=BATCH_LIMIT),
            metadata={"description": "Each item is answered on its own; valid ones are stored."},
        )

    return BatchRequest


def batch_items(body):
    """The (kind, data) of each item of a loaded batch request."""
    return [(item.get("kind"), item.get("data")) for item in body["items"]]


class ItemResult(ma.Schema):
    index = fields.Integer()
    kind = fields.String()
    id = fields.String(allow_none=True)
    status = fields.String(
        metadata={"description": "created, duplicate, conflict, invalid, forbidden or refused"}
    )
    message = fields.Method("localised_message")
    fields_ = fields.Method("localised_fields", data_key="fields")

    def localised_message(self, result):
        """The item's message in the caller's language (shared/messages.py), if any."""
        return localise(result["message"]) if result.get("message") else ma.missing

    def localised_fields(self, result):
        """The item's field messages in the caller's language, if any."""
        return localise(result["fields"]) if result.get("fields") else ma.missing


class BatchAnswer(ma.Schema):
    results = fields.List(fields.Nested(ItemResult))
    summary = fields.Dict()


class HistoryEntry(ma.Schema):
    version = fields.Integer()
    action = fields.String()
    actor = fields.String()
    at = fields.String()
    reason = fields.String(allow_none=True)
    data = fields.Dict()


def version_field():
    """The version a change is based on (a stale one is 409)."""
    return fields.Integer(required=True, strict=True, validate=storable())


class VoidRequest(InputSchema):
    version = version_field()
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))


class RecordListQuery(ma.Schema):
    """What every record list takes besides its own filters: dates, voids, a page."""

    township = fields.String(validate=Pattern(r"^\d{9}$"))
    village = fields.String(validate=Pattern(r"^\d{12}$"))
    date_from = fields.Date(data_key="from", validate=plausible_day())
    date_to = fields.Date(data_key="to", validate=plausible_day())
    include_void = fields.Boolean(load_default=False)
    changed_after = fields.AwareDateTime(
        validate=plausible_moment(),
        metadata={
            "description": "Only records whose latest version (created, corrected, voided,"
            " checked in to) was written after this moment (RFC 3339)."
        },
    )
    cursor = fields.String()
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(["json", "xlsx"]),
        metadata={"description": "xlsx: every matching record (not one page) as a spreadsheet."},
    )


def page_schema(item_schema):
    """A page of records: the items and the cursor of the next page (null on the last)."""

    class Page(ma.Schema):
        items = fields.List(fields.Nested(item_schema))
        next_cursor = fields.String(allow_none=True)

    Page.__name__ = f"{item_schema.__name__.removesuffix('Read')}Page"
    return Page


class RegistryName(fields.Field):
    """The registry's name of the code a record keeps (`attribute`), beside the code."""

    def __init__(self, kind, attribute, **kwargs):
        self.kind = kind
        description = f"The registry's name of {attribute} (null if it does not know it)."
        super().__init__(
            attribute=attribute, dump_only=True, metadata={"description": description}, **kwargs
        )

    def _serialize(self, value, attr, obj, **kwargs):
        return registry_client.name_of(self.kind, value)
