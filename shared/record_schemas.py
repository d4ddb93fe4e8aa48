"""Schemas every recording service shares: batches, per-item results, history."""

import marshmallow as ma
from marshmallow import fields, validate

BATCH_LIMIT = 500


def batch_request_schema(kinds):
    """A batch of up to 500 items, each {"kind": one of `kinds`, "data": {...}}."""

    class BatchItem(ma.Schema):
        kind = fields.String(required=True, validate=validate.OneOf(list(kinds)))
        data = fields.Dict(required=True)

    class BatchRequest(ma.Schema):
        items = fields.List(
            fields.Nested(BatchItem),
            required=True,
            validate=validate.Length(min=1, max=BATCH_LIMIT),
        )

    return BatchRequest


class ItemResult(ma.Schema):
    index = fields.Integer()
    kind = fields.String()
    id = fields.String(allow_none=True)
    status = fields.String(
        metadata={"description": "created, duplicate, conflict, invalid, forbidden or refused"}
    )
    message = fields.String()
    fields_ = fields.Dict(data_key="fields")


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
