"""Recording activities and check-ins, one or a batch of up to 500, each idempotent.

Every item gets its own result: created, duplicate (same id, same content: nothing new),
conflict (same id, other content: nothing overwritten) or invalid (with field errors).
Valid items are stored even when others in the batch are not. Records, history and feed
entries are written in the caller's ONE transaction.
"""

import hashlib
import hmac
from datetime import UTC

import sqlalchemy as sa
from flask import current_app
from marshmallow import ValidationError

from services.activities.facts import change, facts
from services.activities.models import ACTIVE, Activity, CheckIn
from services.activities.periods import PeriodGate
from services.activities.schemas import ActivityCreate, CheckInCreate
from shared import registry_client
from shared.clock import LOCAL_ZONE, utcnow
from shared.feed import append_changes, change_entry
from shared.records import (
    CONFLICT,
    CREATED,
    DUPLICATE,
    FORBIDDEN,
    INVALID,
    REFUSED,
    content_digest,
    history_row,
    record_history,
)

ENTITY = "activity"
_activity_schema, _checkin_schema = ActivityCreate(), CheckInCreate()


def _utc(moment):
    return moment.astimezone(UTC).replace(tzinfo=None) if moment else None


def activity_values(content):
    """Column values of an activity from validated content (times in UTC, day in county time)."""
    gps = content.get("gps") or {}
    return {
        "type": content["type"],
        "title": content["title"],
        "organiser": content["organiser"],
        "audience": content["audience"],
        "township_code": content["township_code"],
        "village_code": content.get("village_code"),
        "venue": content["venue"],
        "latitude": gps.get("lat"),
        "longitude": gps.get("lon"),
        "starts_at": _utc(content["starts_at"]),
        "ends_at": _utc(content["ends_at"]),
        "day": content["starts_at"].astimezone(LOCAL_ZONE).date(),
        "headcount": content["headcount"],
        "online_reach": content["online_reach"],
        "languages": content["languages"],
        "notes": content["notes"],
        "client_recorded_at": _utc(content.get("client_recorded_at")),
    }


def attendee_key(activity_id, name, ref):
    """A keyed fingerprint of a person at an activity: dedupes without storing who in a key."""
    person = (ref or name).strip().lower()
    key = current_app.config["TOKEN_SIGNING_KEY"].encode()
    return hmac.new(key, f"{activity_id}|{person}".encode(), hashlib.sha256).hexdigest()


def out_of_scope(principal, township_code):
    """Whether a staff member is writing outside their own township."""
    return principal.role == "staff" and principal.scope.get("township") != township_code


def place_errors(values, tree):
    """Field errors for a township or village that the registry does not know."""
    errors = {}
    township = values["township_code"]
    if township not in set(tree.values()):
        errors["township_code"] = ["No such township in the registry."]
    village = values.get("village_code")
    if village and tree.get(village) != township:
        errors["village_code"] = ["No such village in this township."]
    return errors


def _result(index, kind, record_id, status, message=None, fields=None):
    result = {"index": index, "kind": kind, "id": record_id, "status": status}
    if message:
        result["message"] = message
    if fields:
        result["fields_"] = fields
    return result


class Recorder:
    """One request's worth of writes: shared look-ups, then rows added in bulk."""

    def __init__(self, session, principal):
        self.session = session
        self.principal = principal
        self.gate = PeriodGate(session)
        self.history = []
        self.changes = []
        self.activities = {}

    def _load_activities(self, ids):
        wanted = [i for i in ids if i not in self.activities]
        if wanted:
            rows = self.session.scalars(sa.select(Activity).where(Activity.id.in_(wanted)))
            self.activities.update({row.id: row for row in rows})

    def _note(self, activity, action, before, reason=None):
        self.history.append(
            history_row(
                entity=ENTITY,
                record_id=activity.id,
                version=activity.version,
                action=action,
                actor=self.principal.subject,
                data=activity_snapshot(activity),
                reason=reason,
            )
        )
        self.changes.append(
            change_entry(
                entity=ENTITY,
                entity_id=activity.id,
                action=action,
                payload=change(before, facts(activity)),
            )
        )

    def add_activity(self, index, raw):
        """Validate and store one activity; return its result."""
        try:
            content = _activity_schema.load(raw)
        except ValidationError as exc:
            return _result(index, "activity", raw.get("id"), INVALID, "Not valid.", exc.messages)
        record_id, values = str(content["id"]), activity_values(content)
        digest = content_digest(values)
        existing = self.activities.get(record_id)
        if existing is not None:
            outcome = DUPLICATE if existing.digest == digest else CONFLICT
            return _result(index, "activity", record_id, outcome)
        if out_of_scope(self.principal, values["township_code"]):
            return _result(index, "activity", record_id, FORBIDDEN, "Outside your township.")
        errors = place_errors(values, registry_client.village_townships())
        if errors:
            return _result(index, "activity", record_id, INVALID, "Not valid.", errors)
        refusal = self.gate.refusal(self.principal, values["township_code"], values["day"])
        if refusal:
            return _result(index, "activity", record_id, REFUSED, refusal)
        now = utcnow()
        activity = Activity(
            id=record_id,
            digest=digest,
            version=1,
            status=ACTIVE,
            checkins=0,
            recorded_by=self.principal.subject,
            recorded_at=now,
            updated_at=now,
            **values,
        )
        self.session.add(activity)
        self.activities[record_id] = activity
        self._note(activity, "create", None)
        return _result(index, "activity", record_id, CREATED)

    def add_checkin(self, index, raw):
        """Validate and store one check-in; the same person twice at an activity counts once."""
        try:
            content = _checkin_schema.load(raw)
        except ValidationError as exc:
            return _result(index, "checkin", raw.get("id"), INVALID, "Not valid.", exc.messages)
        record_id, activity_id = str(content["id"]), str(content["activity_id"])
        values = {
            "activity_id": activity_id,
            "attendee_name": content["attendee_name"],
            "attendee_key": attendee_key(
                activity_id, content["attendee_name"], content["attendee_ref"]
            ),
            "checked_in_at": _utc(content["checked_in_at"]),
        }
        digest = content_digest(values)
        existing = self.session.get(CheckIn, record_id)
        if existing is not None:
            outcome = DUPLICATE if existing.digest == digest else CONFLICT
            return _result(index, "checkin", record_id, outcome)
        self._load_activities([activity_id])
        activity = self.activities.get(activity_id)
        if activity is None or activity.status != ACTIVE:
            message = "No such activity." if activity is None else "The activity was voided."
            return _result(
                index, "checkin", record_id, INVALID, message, {"activity_id": [message]}
            )
        if out_of_scope(self.principal, activity.township_code):
            return _result(index, "checkin", record_id, FORBIDDEN, "Outside your township.")
        refusal = self.gate.refusal(self.principal, activity.township_code, activity.day)
        if refusal:
            return _result(index, "checkin", record_id, REFUSED, refusal)
        same_person = self.session.scalar(
            sa.select(CheckIn.id).where(
                CheckIn.activity_id == activity_id, CheckIn.attendee_key == values["attendee_key"]
            )
        )
        if same_person is not None:  # answered with the check-in that counts
            return _result(
                index, "checkin", same_person, DUPLICATE, "This person already checked in."
            )
        self.session.add(
            CheckIn(
                id=record_id,
                digest=digest,
                recorded_by=self.principal.subject,
                recorded_at=utcnow(),
                **values,
            )
        )
        self.session.flush()  # the unique (activity, person) index guards concurrent check-ins
        before = facts(activity)
        activity.checkins += 1
        self.changes.append(
            change_entry(
                entity=ENTITY,
                entity_id=activity.id,
                action="checkin",
                payload=change(before, facts(activity)),
            )
        )
        return _result(index, "checkin", record_id, CREATED)

    def record(self, items):
        """Apply (kind, raw) items: activities first, so a batch's check-ins find them."""
        self._load_activities([str(raw.get("id")) for kind, raw in items if kind == "activity"])
        results = [None] * len(items)
        for wanted in ("activity", "checkin"):
            for index, (kind, raw) in enumerate(items):
                if kind == wanted:
                    add = self.add_activity if kind == "activity" else self.add_checkin
                    results[index] = add(index, raw if isinstance(raw, dict) else {})
        self.flush()
        return results

    def flush(self):
        """Write the records, their history and their feed entries."""
        self.session.flush()
        if self.history:
            self.session.execute(record_history.insert(), self.history)
        append_changes(self.session, self.changes)
        self.history, self.changes = [], []


def activity_snapshot(activity):
    """The activity as its history keeps it."""
    return {key: getattr(activity, key) for key in ACTIVITY_FIELDS}


ACTIVITY_FIELDS = (
    "type",
    "title",
    "organiser",
    "audience",
    "township_code",
    "village_code",
    "venue",
    "latitude",
    "longitude",
    "starts_at",
    "ends_at",
    "day",
    "headcount",
    "online_reach",
    "checkins",
    "languages",
    "notes",
    "status",
)


def summarise(results):
    """How many items ended in each status."""
    summary = dict.fromkeys((CREATED, DUPLICATE, CONFLICT, INVALID, FORBIDDEN, REFUSED), 0)
    for result in results:
        summary[result["status"]] += 1
    return summary
