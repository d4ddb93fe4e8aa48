"""The two kinds of record township staff send: activities and check-ins."""

import hashlib
import hmac
from datetime import UTC

import sqlalchemy as sa
from flask import current_app

from services.activities.facts import facts
from services.activities.models import Activity, CheckIn
from services.activities.periods import PeriodGate, period_of
from services.activities.schemas import ActivityCreate, CheckInCreate
from shared.clock import LOCAL_ZONE
from shared.pii import keyed_digest
from shared.recording.kinds import RecordKind, invalid, outcome, registry_tree
from shared.recording.records import ACTIVE, DUPLICATE, FORBIDDEN, INVALID, REFUSED


def _utc(moment):
    return moment.astimezone(UTC).replace(tzinfo=None) if moment else None


def out_of_scope(principal, township_code):
    """Whether a staff member is writing outside their own township."""
    return principal.role == "staff" and principal.scope.get("township") != township_code


def _tree_and_townships(recorder):
    """{village: township} of the registry and the set of townships, asked once a request."""
    tree = registry_tree(recorder)
    return tree, recorder.memo("townships", lambda: set(tree.values()))


def _township_problem(recorder, township_code, day):
    """Scope and closed-period checks for a record of a township on a day."""
    if out_of_scope(recorder.principal, township_code):
        return outcome(FORBIDDEN, "Outside your township.")
    gate = recorder.memo("period_gate", lambda: PeriodGate(recorder.session))
    refusal = gate.refusal(recorder.principal, township_code, day)
    return outcome(REFUSED, refusal) if refusal else None


class ActivityKind(RecordKind):
    name = "activity"
    model = Activity
    create_schema = ActivityCreate()
    snapshot_fields = (
        "type", "title", "organiser", "audience", "township_code", "village_code", "venue",
        "latitude", "longitude", "starts_at", "ends_at", "day", "headcount", "online_reach",
        "checkins", "languages", "notes", "status",
    )  # fmt: skip

    def values(self, recorder, content, record=None):
        """Columns from validated content: times in UTC, the day in county time."""
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

    def problem(self, recorder, values, record=None):
        """The existing record (if any) and the new values must be in scope and open."""
        if record is not None:
            found = _township_problem(recorder, record.township_code, record.day)
            if found:
                return found
        if not values:
            return None
        if out_of_scope(recorder.principal, values["township_code"]):
            return outcome(FORBIDDEN, "Outside your township.")
        tree, townships = _tree_and_townships(recorder)
        errors = {}
        if values["township_code"] not in townships:
            errors["township_code"] = ["No such township in the registry."]
        village = values.get("village_code")
        if village and tree.get(village) != values["township_code"]:
            errors["village_code"] = ["No such village in this township."]
        if errors:
            return invalid(errors)
        return _township_problem(recorder, values["township_code"], values["day"])

    def ask_ahead(self, recorder, values):
        if values:
            _tree_and_townships(recorder)

    def build(self, recorder, record_id, digest, values):
        """A new activity, with no check-ins yet."""
        activity = super().build(recorder, record_id, digest, values)
        activity.checkins = 0
        gate = recorder.memo("period_gate", lambda: PeriodGate(recorder.session))
        activity.late = period_of(activity.day) in gate.closed
        return activity

    def facts(self, record):
        return facts(record)


def _fingerprint(text):
    key = current_app.config["TOKEN_SIGNING_KEY"].encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def attendee_key(activity_id, name, ref):
    """A keyed fingerprint of a person at an activity: dedupes without naming anyone."""
    person = (ref or name).strip().lower()
    return _fingerprint(f"{activity_id}|{person}")


def person_key(ref):
    """A keyed fingerprint of a person's reference (ID or work number) across activities,
    None without one: a name alone is not a person (two 阿依古丽 are two people)."""
    person = (ref or "").strip().lower()
    return _fingerprint(f"person|{person}") if person else None


class CheckInKind(RecordKind):
    """A person at an activity. It raises its activity's check-in count (and so, maybe,
    its attendances): that change goes to the feed as the activity's."""

    name = "checkin"
    model = CheckIn
    create_schema = CheckInCreate()
    versioned = False

    def values(self, recorder, content, record=None):
        activity_id = str(content["activity_id"])
        key = attendee_key(activity_id, content["attendee_name"], content["attendee_ref"])
        return {
            "activity_id": activity_id,
            "attendee_name": content["attendee_name"],
            "attendee_key": key,
            "person_key": person_key(content["attendee_ref"]),
            "checked_in_at": _utc(content["checked_in_at"]),
        }

    def digest(self, values):
        """Keyed: the content holds the attendee's name. Without the person_key, which
        follows from the reference already in the attendee_key: a phone re-sending a
        check-in made before check-ins kept one is still a duplicate, not a conflict."""
        return keyed_digest({k: v for k, v in values.items() if k != "person_key"})

    def build(self, recorder, record_id, digest, values):
        """A (transient) CheckIn: the model keeps the name only encrypted."""
        return self.model(**vars(super().build(recorder, record_id, digest, values)))

    def problem(self, recorder, values, record=None):
        activity = recorder.load("activity", [values["activity_id"]]).get(values["activity_id"])
        if activity is None or activity.status != ACTIVE:
            message = "No such activity." if activity is None else "The activity was voided."
            return outcome(INVALID, message, {"activity_id": [message]})
        found = _township_problem(recorder, activity.township_code, activity.day)
        if found:
            return found
        person = (activity.id, values["attendee_key"])
        here = recorder.memo("checked_in_here", dict)  # check-ins of this batch, not yet stored
        same_person = here.get(person) or recorder.session.scalar(
            sa.select(CheckIn.id).where(
                CheckIn.activity_id == activity.id, CheckIn.attendee_key == values["attendee_key"]
            )
        )
        if same_person is not None:  # answered with the check-in that counts
            return outcome(DUPLICATE, "This person already checked in.", record_id=same_person)
        return None

    def after_create(self, recorder, record):
        here = recorder.memo("checked_in_here", dict)
        here[(record.activity_id, record.attendee_key)] = record.id
        activity = recorder.known["activity"][record.activity_id]
        before = facts(activity)
        activity.checkins += 1
        # Its figures changed: a list of records changed after a moment (changed_after,
        # what a published figure's difference drills down to) must find it.
        activity.updated_at = recorder.now
        recorder.change("activity", activity.id, "checkin", before, facts(activity))
