"""The registry's reads: its entries, who serves which village when, coverage and load,
each in one query (the rules and the writes are in `service.py`)."""

import sqlalchemy as sa

from services.registry.models import (
    Advisor,
    Assignment,
    Township,
    Village,
    in_force_between,
    in_force_on,
)
from shared.db import get_or_404


def _matching(text, *columns):
    """SQL condition: `text` appears in any of the columns (case-insensitive)."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return sa.or_(*(column.ilike(pattern, escape="\\") for column in columns))


def get_townships(session, *, text=None):
    """Every township (or those whose name or code holds `text`) with its number of
    villages, in code order."""
    counts = (
        sa.select(Village.township_code, sa.func.count().label("n"))
        .group_by(Village.township_code)
        .subquery()
    )
    rows = session.execute(
        sa.select(Township, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.township_code == Township.code)
        .where(_matching(text, Township.name, Township.code) if text else sa.true())
        .order_by(Township.code)
    ).all()
    return [{"code": t.code, "name": t.name, "kind": t.kind, "villages": n} for t, n in rows]


def get_villages(session, *, township_code=None, text=None):
    """Villages, optionally of one township and/or whose name or code holds `text`, in
    code order."""
    query = sa.select(Village).order_by(Village.code)
    if township_code is not None:
        query = query.where(Village.township_code == township_code)
    if text:
        query = query.where(_matching(text, Village.name, Village.code))
    return session.scalars(query).all()


def get_village(session, *, code):
    """One village or 404."""
    return get_or_404(session, Village, code, "village")


def get_advisors(session, *, active=None, text=None, phones_searched=False):
    """Advisors in id order, optionally only the active (or inactive) ones, and/or those
    whose name, law firm or licence (and phone, for a caller who sees phones) holds `text`."""
    query = sa.select(Advisor).order_by(Advisor.id)
    if active is not None:
        query = query.where(Advisor.active.is_(active))
    if text:
        columns = [Advisor.name, Advisor.law_firm, Advisor.licence_no]
        # A caller who sees masked phones must not find the hidden digits by searching.
        columns += [Advisor.phone] if phones_searched else []
        query = query.where(_matching(text, *columns))
    return session.scalars(query).all()


def get_advisor(session, *, advisor_id):
    """One advisor or 404."""
    return get_or_404(session, Advisor, advisor_id, "advisor")


def assignment_history(session, *, village_code=None, advisor_id=None):
    """Assignments, oldest first, of a village and/or an advisor."""
    query = sa.select(Assignment).order_by(Assignment.valid_from, Assignment.id)
    if village_code is not None:
        query = query.where(Assignment.village_code == village_code)
    if advisor_id is not None:
        query = query.where(Assignment.advisor_id == advisor_id)
    return session.scalars(query).all()


def advisor_on(session, *, village_code, day):
    """The advisor serving a village on a day, or None."""
    return session.scalar(
        sa.select(Advisor)
        .join(Assignment, Assignment.advisor_id == Advisor.id)
        .where(Assignment.village_code == village_code, in_force_on(day))
    )


def timeline(session, *, village_code, day):
    """A village's assignments, oldest first, each with its advisor and whether it is in
    force on `day`: ONE query."""
    rows = session.execute(
        sa.select(Assignment, Advisor)
        .join(Advisor, Advisor.id == Assignment.advisor_id)
        .where(Assignment.village_code == village_code)
        .order_by(Assignment.valid_from, Assignment.id)
    ).all()
    return [
        {"id": a.id, "valid_from": a.valid_from, "valid_to": a.valid_to,
         "in_force": a.covers(day), "advisor": advisor}
        for a, advisor in rows
    ]  # fmt: skip


def villages_of(session, *, advisor_id, day):
    """The codes of the villages an advisor serves on a day, sorted."""
    return session.scalars(
        sa.select(Assignment.village_code)
        .where(Assignment.advisor_id == advisor_id, in_force_on(day))
        .order_by(Assignment.village_code)
    ).all()


def coverage(session, *, day, since=None):
    """Villages with and without an advisor on a day (or on some day from `since` to `day`),
    per township, and how many advisors served them: ONE query for all."""
    first_day = since or day
    rows = session.execute(
        sa.select(
            Village.code,
            Village.name,
            Township.code.label("township_code"),
            Township.name.label("township_name"),
            Assignment.advisor_id,
        )
        .join(Township, Township.code == Village.township_code)
        .outerjoin(
            Assignment,
            sa.and_(Assignment.village_code == Village.code, in_force_between(first_day, day)),
        )
        .order_by(Township.code, Village.code, Assignment.advisor_id)
    ).all()
    townships, advisors = {}, set()
    for number, row in enumerate(rows):
        if number and rows[number - 1].code == row.code:
            advisors.add(row.advisor_id)  # another advisor of the same village in the span
            continue
        advisors.add(row.advisor_id)
        entry = townships.setdefault(
            row.township_code,
            {"township_code": row.township_code, "township_name": row.township_name,
             "villages": 0, "covered": 0, "uncovered": []},
        )  # fmt: skip
        entry["villages"] += 1
        if row.advisor_id is None:
            entry["uncovered"].append({"code": row.code, "name": row.name})
        else:
            entry["covered"] += 1
    for entry in townships.values():
        entry["ratio"] = round(entry["covered"] / entry["villages"], 4)
    villages = sum(entry["villages"] for entry in townships.values())
    covered = sum(entry["covered"] for entry in townships.values())
    return {
        "date": day.isoformat(),
        "since": first_day.isoformat(),
        "advisors": len(advisors - {None}),
        "villages": villages,
        "covered": covered,
        "ratio": round(covered / villages, 4) if villages else 0.0,
        "townships": list(townships.values()),
    }


def advisor_load(session, *, day):
    """Villages per active advisor on a day (advisors with none included), one query."""
    rows = session.execute(
        sa.select(Advisor.id, Advisor.name, sa.func.count(Assignment.id).label("villages"))
        .outerjoin(Assignment, sa.and_(Assignment.advisor_id == Advisor.id, in_force_on(day)))
        .where(Advisor.active.is_(True))
        .group_by(Advisor.id, Advisor.name)
        .order_by(sa.desc("villages"), Advisor.id)
    ).all()
    return [{"advisor_id": r.id, "name": r.name, "villages": r.villages} for r in rows]
