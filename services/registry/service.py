"""The registry's rules and its write transactions: the entries (townships, villages,
advisors), who serves which village and since when, and the sheets admins import.

Each write is one write transaction, committed, then announced, so the recording
services' copies of the tree and assignments are stale at once (shared.registry_client).
At most one advisor serves a village on any day: assigning a new advisor closes the
village's open-ended assignment the day before the new one starts, and any other overlap
is a 409 that names the clash (history is never rewritten silently). Every change is
appended to the change feed in the same transaction. Reads are in `queries.py`.
"""

import functools
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from services.registry import transfer
from services.registry.models import Advisor, Assignment, Township, Village
from services.registry.queries import get_advisor
from services.registry.schemas import AdvisorRead
from services.registry.spreadsheets import read_table
from shared.db import get_or_404, writing
from shared.errors import ApiError
from shared.feed import append_change
from shared.registry_client import announce_change


def registry_write(function):
    """Run a registry service function `function(session, ...)` in one write transaction
    and announce the change once it is committed."""
    written = writing(function)

    @functools.wraps(function)
    def announced(session, *args, **kwargs):
        result = written(session, *args, **kwargs)
        announce_change(current_app.extensions["redis"])
        return result

    return announced


def upsert_township(session, *, code, name, kind):
    """Create a township or bring it up to date; return 'created', 'updated' or 'unchanged'."""
    township = session.get(Township, code)
    if township is None:
        session.add(Township(code=code, name=name, kind=kind))
        return "created"
    if (township.name, township.kind) == (name, kind):
        return "unchanged"
    township.name, township.kind = name, kind
    return "updated"


def upsert_village(session, *, code, name, kind, township_code, placeholder_name=False):
    """Create a village or bring it up to date; return what happened."""
    values = {
        "name": name,
        "kind": kind,
        "township_code": township_code,
        "placeholder_name": placeholder_name,
    }
    village = session.get(Village, code)
    if village is None:
        session.add(Village(code=code, **values))
        return "created"
    if all(getattr(village, key) == value for key, value in values.items()):
        return "unchanged"
    for key, value in values.items():
        setattr(village, key, value)
    return "updated"


def advisor_change(advisor):
    """The feed payload of an advisor: counts need id, active and languages, not contacts."""
    return {"advisor_id": advisor.id, "active": advisor.active, "languages": advisor.languages}


def _licence_taken(session, licence_no, except_id=None):
    query = sa.select(Advisor.id).where(Advisor.licence_no == licence_no)
    if except_id is not None:
        query = query.where(Advisor.id != except_id)
    return session.scalar(query) is not None


@registry_write
def create_advisor(session, **values):
    """Register an advisor; 409 if the licence number is already registered."""
    if _licence_taken(session, values["licence_no"]):
        raise ApiError(409, f"Licence {values['licence_no']} is already registered.")
    advisor = Advisor(**values)
    session.add(advisor)
    session.flush()
    append_change(session, entity="advisor", entity_id=advisor.id, action="create",
                  payload=advisor_change(advisor))  # fmt: skip
    return advisor


@registry_write
def update_advisor(session, *, advisor_id, version, **changes):
    """Change an advisor; a stale `version` is 409 (someone changed it meanwhile)."""
    advisor = get_advisor(session, advisor_id=advisor_id)
    if version != advisor.version:
        raise ApiError(
            409,
            f"Advisor {advisor_id} was changed meanwhile (version {advisor.version}); reload it.",
            code="stale_version",
            current=AdvisorRead().dump(advisor),
        )
    if "licence_no" in changes and _licence_taken(session, changes["licence_no"], advisor_id):
        raise ApiError(409, f"Licence {changes['licence_no']} is already registered.")
    if all(getattr(advisor, key) == value for key, value in changes.items()):
        return advisor
    for key, value in changes.items():
        setattr(advisor, key, value)
    advisor.version += 1
    append_change(session, entity="advisor", entity_id=advisor.id, action="update",
                  payload=advisor_change(advisor))  # fmt: skip
    return advisor


def record_assignment_change(session, assignment, action, township_code):
    """Append an assignment's change to the feed: what coverage rollups need, no contacts."""
    append_change(
        session,
        entity="assignment",
        entity_id=assignment.id,
        action=action,
        payload={
            "assignment_id": assignment.id,
            "village_code": assignment.village_code,
            "township_code": township_code,
            "advisor_id": assignment.advisor_id,
            "valid_from": assignment.valid_from.isoformat(),
            "valid_to": assignment.valid_to.isoformat() if assignment.valid_to else None,
        },
    )


def _overlaps(assignment, valid_from, valid_to):
    ends_before = valid_to is not None and valid_to < assignment.valid_from
    starts_after = assignment.valid_to is not None and valid_from > assignment.valid_to
    return not (ends_before or starts_after)


def _describe(session, assignment, village):
    end = assignment.valid_to.isoformat() if assignment.valid_to else "open-ended"
    advisor = session.get(Advisor, assignment.advisor_id)
    return (
        f"village {village.code} ({village.name}) is served by advisor {advisor.id} "
        f"({advisor.name}) from {assignment.valid_from.isoformat()} to {end} "
        f"(assignment {assignment.id})"
    )


def _referenced(session, village_code, advisor_id):
    village = session.get(Village, village_code)
    advisor = session.get(Advisor, advisor_id)
    fields = {}
    if village is None:
        fields["village_code"] = [f"There is no village {village_code}."]
    if advisor is None:
        fields["advisor_id"] = [f"There is no advisor {advisor_id}."]
    elif not advisor.active:
        fields["advisor_id"] = [f"Advisor {advisor_id} is not active."]
    if fields:
        raise ApiError(422, "The assignment names something that does not exist.", fields=fields)
    return village


@registry_write
def assign(session, *, village_code, advisor_id, valid_from, valid_to=None):
    """Assign an advisor to a village from a date; return (new assignment, closed or None)."""
    village = _referenced(session, village_code, advisor_id)
    if valid_to is not None and valid_to < valid_from:
        raise ApiError(
            422, "The end is before the start.", fields={"valid_to": ["Before valid_from."]}
        )
    history = session.scalars(
        sa.select(Assignment).where(Assignment.village_code == village_code)
    ).all()
    clashes = [a for a in history if _overlaps(a, valid_from, valid_to)]
    closable = [a for a in clashes if a.valid_to is None and a.valid_from < valid_from]
    refused = [a for a in clashes if a not in closable]
    if closable and closable[0].advisor_id == advisor_id:
        refused = closable
    if refused:
        clashes = "; ".join(_describe(session, a, village) for a in refused)
        raise ApiError(409, f"The assignment clashes: {clashes}.")
    closed = None
    if closable:
        closed = closable[0]
        closed.valid_to = valid_from - timedelta(days=1)
        record_assignment_change(session, closed, "end", village.township_code)
    assignment = Assignment(
        village_code=village_code, advisor_id=advisor_id, valid_from=valid_from, valid_to=valid_to
    )
    session.add(assignment)
    session.flush()
    record_assignment_change(session, assignment, "create", village.township_code)
    return assignment, closed


@registry_write
def end_assignment(session, *, assignment_id, valid_to):
    """End an open-ended assignment on a date (inclusive)."""
    assignment = get_or_404(session, Assignment, assignment_id, "assignment")
    if assignment.valid_to is not None:
        raise ApiError(409, f"Assignment {assignment_id} already ended on {assignment.valid_to}.")
    if valid_to < assignment.valid_from:
        raise ApiError(
            422, "The end is before the start.", fields={"valid_to": ["Before valid_from."]}
        )
    assignment.valid_to = valid_to
    village = session.get(Village, assignment.village_code)
    record_assignment_change(session, assignment, "end", village.township_code)
    return assignment


def _import_villages(session, header, rows):
    """Create or update townships and villages from a sheet."""
    report = {}
    for r, kind, placeholder in transfer.checked_villages(header, rows):
        township_kind = "town" if r["township_name"].endswith("镇") else "township"
        upsert_township(
            session, code=r["township_code"], name=r["township_name"], kind=township_kind
        )
        outcome = upsert_village(
            session, code=r["code"], name=r["name"], kind=kind,
            township_code=r["township_code"], placeholder_name=placeholder,
        )  # fmt: skip
        if outcome != "unchanged":
            session.flush()
            append_change(session, entity="village", entity_id=r["code"], action=outcome,
                          payload={"village_code": r["code"], "township_code": r["township_code"],
                                   "kind": kind})  # fmt: skip
        _count(report, outcome)
    return report


def _import_advisors(session, header, rows):
    """Create or update advisors from a sheet, keyed by practising-licence number."""
    report = {}
    for values in transfer.checked_advisors(header, rows):
        advisor = session.scalar(
            sa.select(Advisor).where(Advisor.licence_no == values["licence_no"])
        )
        if advisor is None:
            create_advisor(session, **values)
            _count(report, "created")
        elif all(getattr(advisor, k) == v for k, v in values.items()):
            _count(report, "unchanged")
        else:
            update_advisor(session, advisor_id=advisor.id, version=advisor.version, **values)
            _count(report, "updated")
    return report


def _import_assignments(session, header, rows):
    """Apply a sheet's assignment rows in date order, with the same rules as one
    assignment at a time."""
    clean, errors = transfer.checked_assignments(session, header, rows)
    report = {}
    # The rules are applied to the rows that passed, so one answer lists every problem.
    for row, village_code, advisor_id, start, end in sorted(clean, key=lambda c: (c[3], c[0])):
        existing = session.scalar(
            sa.select(Assignment).where(
                Assignment.village_code == village_code, Assignment.valid_from == start
            )
        )
        try:
            if existing is not None and existing.advisor_id == advisor_id:
                if existing.valid_to == end:
                    _count(report, "unchanged")
                    continue
                if existing.valid_to is None and end is not None:
                    end_assignment(session, assignment_id=existing.id, valid_to=end)
                    _count(report, "updated")
                    continue
            assign(session, village_code=village_code, advisor_id=advisor_id,
                   valid_from=start, valid_to=end)  # fmt: skip
            _count(report, "created")
        except ApiError as exc:
            errors.add(row, "valid_from", exc.message)
    errors.raise_if_any()
    return report


def _count(report, outcome):
    report[outcome] = report.get(outcome, 0) + 1


IMPORTERS = {
    "villages": _import_villages,
    "advisors": _import_advisors,
    "assignments": _import_assignments,
}


@registry_write
def import_file(session, *, kind, header, rows):
    """Import one sheet of villages, advisors or assignments, all or nothing (every bad
    row is reported and nothing is stored); return what it created and changed."""
    return {"kind": kind, "rows": len(rows)} | IMPORTERS[kind](session, header, rows)


@registry_write
def load_directory(session, folder):
    """Import villages.csv, advisors.csv and assignments.csv from a folder, in that order,
    in one transaction."""
    reports = []
    for kind in ("villages", "advisors", "assignments"):
        path = Path(folder) / f"{kind}.csv"
        header, rows = read_table(path.name, path.read_bytes())
        reports.append(import_file(session, kind=kind, header=header, rows=rows))
        session.flush()
    return reports
