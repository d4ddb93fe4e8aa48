"""Writing client records, one or a batch, the same way in every recording service.

A service describes each kind of record it takes with a `RecordKind` (.kinds);
the `Recorder` does the rest: validation per item, idempotency by client id (duplicate /
conflict), the kind's own checks (scope, registry, periods), the insert, the history row
and the feed entry carrying the record's figures before and after, all in the caller's ONE
transaction. Corrections (`revise`) and voids go through the same path.

The caller opens that transaction (shared.db.write_transaction) and the Recorder asks other
services what its checks need before its first statement, so the database's write lock is
not held while another service answers. New records are plain `NewRecord`s inserted with
one executemany per kind at `flush`, not ORM instances in the unit of work.
"""

import functools
from typing import NamedTuple

import sqlalchemy as sa
from marshmallow import ValidationError

from shared.clock import utcnow
from shared.errors import ApiError
from shared.feed import append_changes, change_entry
from shared.recording.kinds import invalid, outcome
from shared.recording.records import (
    ACTIVE,
    CONFLICT,
    CREATED,
    DUPLICATE,
    FORBIDDEN,
    INVALID,
    REFUSED,
    VOID,
    history_row,
    outcome_error,
    record_history,
    require_version,
)
from shared.recording.schemas import batch_items


@functools.cache
def _by_ids(model):
    """The query of a model's records by a list of ids: built once (every write asks it)."""
    return sa.select(model).where(model.id.in_(sa.bindparam("ids", expanding=True)))


class Recorder:
    """One request's worth of writes: shared look-ups, then rows, history and feed in bulk."""

    def __init__(self, session, principal, kinds):
        self.session = session
        self.principal = principal
        self.kinds = {kind.name: kind for kind in kinds}
        self.known = {kind.name: {} for kind in kinds}
        self.new = {kind.name: [] for kind in kinds}  # created here, inserted at flush
        self.memos = {}
        self.history = []
        self.changes = []
        # One server time for all this request writes: its records, their history, the feed.
        self.now = utcnow()

    def memo(self, key, factory):
        """A value computed once per request (a period gate, the registry's tree)."""
        if key not in self.memos:
            self.memos[key] = factory()
        return self.memos[key]

    def load(self, kind_name, ids):
        """Fetch stored records of a kind by id into `known` (retries, a check-in's activity)."""
        model, known = self.kinds[kind_name].model, self.known[kind_name]
        wanted = [i for i in {str(i) for i in ids} if i not in known]
        if wanted:
            rows = self.session.scalars(_by_ids(model), {"ids": wanted})
            known.update({row.id: row for row in rows})
        return known

    def record(self, items):
        """Apply (kind, raw) items in the order the kinds were given; one result each."""
        results = [self._unknown_kind(index, *item) for index, item in enumerate(items)]
        for name, kind in self.kinds.items():
            indexes = [index for index, (item_kind, _) in enumerate(items) if item_kind == name]
            if not indexes:
                continue
            validated = [_validate(kind, items[index][1]) for index in indexes]
            drafts = []
            for index, (content, result) in zip(indexes, validated, strict=True):
                results[index] = {"index": index, "kind": name} | (result or {})
                if content is not None:
                    drafts.append((index, self._draft(kind, content)))
            kind.ask_ahead(self, [draft.values for _, draft in drafts])
            self.load(name, [draft.record_id for _, draft in drafts])  # the first statement
            for index, draft in drafts:
                results[index] |= self._create(kind, draft)
        self.flush()
        return results

    def record_one(self, kind_name, raw):
        """Record one item: (record, 201) new, (record, 200) a duplicate, or the error its
        outcome stands for. The record is flagged `duplicate` for the answer."""
        result = self.record([(kind_name, raw)])[0]
        # In hand, except a duplicate person's check-in, which is another record.
        in_hand = self.known[kind_name].get(result.get("id"))
        return answer_one(self.session, self.kinds[kind_name].model, result, in_hand)

    def _unknown_kind(self, index, item_kind, raw):
        """The INVALID result of an item of no kind this recorder takes, else None."""
        if isinstance(item_kind, str) and item_kind in self.kinds:
            return None
        fields = {"kind": [f"Must be one of: {', '.join(self.kinds)}."]}
        record_id = raw.get("id") if isinstance(raw, dict) else None
        shaped = _shape(invalid(fields, _text(record_id)))
        return {"index": index, "kind": _text(item_kind)} | shaped

    def _draft(self, kind, content):
        """What an item would create: its id, column values and fingerprint."""
        record_id, values = str(content["id"]), kind.values(self, content)
        return _Draft(record_id, values, kind.digest(values))

    def _create(self, kind, draft):
        record_id, digest = draft.record_id, draft.digest
        existing = self.known[kind.name].get(record_id)
        if existing is not None:
            return _shape(
                outcome(DUPLICATE if existing.digest == digest else CONFLICT, record_id=record_id)
            )
        problem = kind.problem(self, draft.values)
        if problem is not None:
            return _shape(problem | {"id": problem["id"] or record_id})
        record = kind.build(self, record_id, digest, draft.values)
        self.new[kind.name].append(record)
        self.known[kind.name][record_id] = record
        kind.after_create(self, record)
        if kind.versioned:
            self.note(kind, record, "create", None)
        return _shape(outcome(CREATED, record_id=record_id))

    def note(self, kind, record, action, before, reason=None):
        """History row and feed entry for a versioned record's change."""
        self.history.append(
            history_row(
                entity=kind.name,
                record_id=record.id,
                version=record.version,
                action=action,
                actor=self.principal.subject,
                data=kind.snapshot(record),
                reason=reason,
                at=self.now,
            )
        )
        self.change(kind.name, record.id, action, before, kind.facts(record))

    def change(self, entity, entity_id, action, before, after):
        """A feed entry: subtract `before`, add `after` (either may be None)."""
        self.changes.append(
            change_entry(
                entity=entity,
                entity_id=entity_id,
                action=action,
                payload={"before": before, "after": after},
                recorded_at=self.now,
            )
        )

    def revise(self, kind, read_record, content):
        """Correct the record `read_record()` reads: its version must be current; the kind's
        checks apply again. What they will ask other services about the new content is
        asked first, as for a create: reading the record is the first statement."""
        kind.ask_ahead(self, [kind.values(self, content)])
        record = read_record()
        values = kind.values(self, content, record)
        problem = kind.problem(self, values, record)
        if problem is not None:
            raise outcome_error(_shape(problem))
        return self.amend(kind, record, version=content.get("version"), changes=values)

    def amend(self, kind, record, *, version, changes, action="update", reason=None):
        """Apply changes to a record whose version is current, with history and feed."""
        self._writable(kind, record, version)
        before = kind.facts(record)
        for key, value in changes.items():
            setattr(record, key, value)
        self._bump(record)
        self.note(kind, record, action, before, reason=reason)
        self.flush()
        return record

    def void(self, kind, record, *, version, reason):
        """Void a record with a reason: kept on record, withdrawn from the figures."""
        self._writable(kind, record, version)
        before = kind.facts(record)
        record.status = VOID
        self._bump(record)
        self.note(kind, record, "void", before, reason=reason)
        self.flush()
        return record

    def _writable(self, kind, record, version):
        require_version(record.version, version)
        if record.status != ACTIVE:
            raise ApiError(
                409, f"{kind.name} {record.id} was voided; it cannot change.", code="voided"
            )
        problem = kind.problem(self, {}, record)
        if problem is not None:
            raise outcome_error(_shape(problem))

    def _bump(self, record):
        record.version += 1
        record.updated_at = self.now

    def flush(self):
        """Write the new records (kind by kind, in the order the kinds were given), the
        changed ones, their history and their feed entries."""
        for name, records in self.new.items():
            if records:
                kind = self.kinds[name]
                rows = [kind.row(record) for record in records]
                self.session.execute(kind.model.__table__.insert(), rows)
                self.new[name] = []
        self.session.flush()
        if self.history:
            self.session.execute(record_history.insert(), self.history)
        append_changes(self.session, self.changes)
        self.history, self.changes = [], []


class _Draft(NamedTuple):
    record_id: str
    values: dict
    digest: str


def _validate(kind, raw):
    """(content, None) for a valid raw item, (None, its INVALID result) otherwise."""
    if not isinstance(raw, dict):
        fields = {"data": ["Must be an object with the record."]}
        return None, _shape(invalid(fields))
    try:
        return kind.create_schema.load(raw), None
    except ValidationError as exc:
        return None, _shape(invalid(exc.messages, _text(raw.get("id"))))


def _text(value):
    """`value` if it is text, else None: an item's answer says its `id` and `kind` as text."""
    return value if isinstance(value, str) else None


def answer_one(session, model, result, record=None):
    """A single write's answer from its item's result: (record, 201) new, (record, 200) a
    duplicate, or the error its outcome stands for. `record`: the record if in hand."""
    error = outcome_error(result)
    if error is not None:
        raise error
    record = record or session.get(model, result["id"])
    record.duplicate = result["status"] == DUPLICATE
    return record, (201 if result["status"] == CREATED else 200)


def _shape(result):
    shaped = {"id": result.get("id"), "status": result["status"]}
    if result.get("message"):
        shaped["message"] = result["message"]
    if result.get("fields"):
        shaped["fields"] = result["fields"]
    return shaped


def record_batch(recorder, body):
    """Record a loaded batch request: each item's result, and how many ended in each status
    (the BatchAnswer schema)."""
    results = recorder.record(batch_items(body))
    return {"results": results, "summary": summarise(results)}


def summarise(results):
    """How many items ended in each status."""
    summary = dict.fromkeys((CREATED, DUPLICATE, CONFLICT, INVALID, FORBIDDEN, REFUSED), 0)
    for result in results:
        summary[result["status"]] += 1
    return summary
