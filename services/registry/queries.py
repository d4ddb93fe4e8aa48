"""What the other services and leadership ask of the registry, each in one query."""

import sqlalchemy as sa

from services.registry.models import (
    Advisor,
    Assignment,
    Township,
    Village,
    in_force_between,
    in_force_on,
)


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
