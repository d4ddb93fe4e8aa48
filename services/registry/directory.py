"""Townships, villages and advisors: reading and keeping the registry's entries."""

import sqlalchemy as sa

from services.registry.models import Advisor, Township, Village
from services.registry.schemas import AdvisorRead
from services.registry.writes import registry_write
from shared.db import get_or_404
from shared.errors import ApiError
from shared.feed import append_change


def advisor_change(advisor):
    """The feed payload of an advisor: counts need id, active and languages, not contacts."""
    return {"advisor_id": advisor.id, "active": advisor.active, "languages": advisor.languages}


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
