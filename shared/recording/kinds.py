"""How a recording service describes a kind of record it takes (see .recorder)."""

from shared import registry_client
from shared.recording.records import ACTIVE, INVALID, content_digest


class NewRecord:
    """A record created in this request: its column values as attributes, until `flush`."""

    def __init__(self, values, **more_values):
        self.__dict__.update(values)
        self.__dict__.update(more_values)


def outcome(status, message=None, fields=None, record_id=None):
    """An item's outcome other than a plain success (the statuses: .records)."""
    return {"status": status, "message": message, "fields": fields, "id": record_id}


def invalid(fields, record_id=None):
    """An item's INVALID outcome, its message naming the fields that are wrong."""
    return outcome(INVALID, f"Not valid: {', '.join(fields)}.", fields, record_id)


def registry_tree(recorder):
    """{village code: township code} of the registry, asked once a request (a kind asks
    it ahead, before the write lock; its checks then find it here)."""
    return recorder.memo("tree", registry_client.village_townships)


class RecordKind:
    """How one kind of record is validated, checked, built and counted. Subclass it."""

    name = "record"
    model = None
    create_schema = None
    snapshot_fields = ()
    versioned = True  # has version, status, history and its own feed entries

    def values(self, recorder, content, record=None):
        """Column values (all but id) from validated content (`record`: when correcting);
        the caller is `recorder.principal`."""
        raise NotImplementedError

    def problem(self, recorder, values, record=None):
        """An `outcome(...)` when the caller may not write these values, else None."""
        return None

    def ask_ahead(self, recorder, values):
        """Put in `recorder`'s memos what `problem` will ask other services about these
        new records' values: asked before the database's write lock is taken, so a slow
        registry never holds up every writer."""

    def digest(self, values):
        """The fingerprint that tells a retry (same content) from a conflict."""
        return content_digest(values)

    def build(self, recorder, record_id, digest, values):
        """The new record (a `NewRecord`, or a transient model instance when the model
        computes columns itself): all its columns set."""
        now = recorder.now
        record = NewRecord(
            values, id=record_id, digest=digest, recorded_by=recorder.principal.subject,
            recorded_at=now,
        )  # fmt: skip
        if self.versioned:
            record.version, record.status, record.updated_at = 1, ACTIVE, now
        return record

    def row(self, record):
        """The new record's row for the insert: a NewRecord's attributes are its columns
        (`build` sets every one)."""
        if type(record) is NewRecord:
            return vars(record)
        return {column.name: getattr(record, column.name) for column in self.model.__table__.c}

    def facts(self, record):
        """The record's contribution to the figures (None: nothing)."""
        return None

    def after_create(self, recorder, record):
        """Anything else a new record changes (a check-in raises its activity's count)."""

    def snapshot(self, record):
        """The record as its history keeps it."""
        return {name: getattr(record, name) for name in self.snapshot_fields}
