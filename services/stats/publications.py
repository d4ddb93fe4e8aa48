"""Published figures: an admin publishes a year's figures as they stand, and the report
cites that set. A publication is frozen (the year summary as answered at that moment,
and how far each feed had been applied); publishing again makes a new version beside it.

The dashboard shows the latest publication and, for each figure, the difference the
records have made since: the figure now less the figure published, with the list of the
records of that year written after the publication (created, corrected, voided or checked
in to), which is what made the difference.
"""

from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from services.stats import figures, report
from services.stats.catalogue import METRICS
from services.stats.freshness import freshness_report
from services.stats.models import Publication
from shared.clock import county_moment, utcnow
from shared.db import writing
from shared.errors import ApiError


def publish(session, connection, principal, year):
    """Publish the year's figures as of now: a new version of the year's publication."""
    summary = figures.year_summary(connection, year)  # read before the write begins
    as_of = {feed: state["applied_seq"] for feed, state in freshness_report(connection).items()}
    try:
        return _store(session, year, summary, as_of, principal.subject)
    except IntegrityError:  # another admin's publication of the year took this version
        raise ApiError(
            409,
            "The year was published by someone else at the same moment; reload.",
            code="published_meanwhile",
        ) from None


@writing
def _store(session, year, summary, as_of, published_by):
    """The next version of the year's publication, stored."""
    latest = session.scalar(sa.select(sa.func.max(Publication.version)).where(_of(year)))
    publication = Publication(
        year=year,
        version=(latest or 0) + 1,
        published_at=utcnow(),
        published_by=published_by,
        figures=summary,
        as_of=as_of,
    )
    session.add(publication)
    session.flush()
    return publication


def _of(year):
    return Publication.year == year


def list_publications(session, year):
    """Every publication of a year, newest first."""
    statement = sa.select(Publication).where(_of(year)).order_by(Publication.version.desc())
    return session.scalars(statement).all()


def latest(session, year):
    """The year's latest publication, or None when the year was never published."""
    return session.scalars(
        sa.select(Publication).where(_of(year)).order_by(Publication.version.desc()).limit(1)
    ).first()


def cited_report(session, connection, year):
    """The year's report paragraph, citing its latest publication if it has one (what was
    signed stays what the report says), else the live figures."""
    publication = latest(session, year)
    live = None if publication else figures.year_summary(connection, year)
    return report.year_report(live, publication)


def latest_publication(session, connection, year):
    """The year's latest publication with the changes since: {..., changes_since}; 404
    when the year was never published."""
    publication = latest(session, year)
    if publication is None:
        raise ApiError(404, f"There is no publication {year}.")
    now = figures.year_summary(connection, year)
    return {
        "year": publication.year,
        "version": publication.version,
        "published_at": publication.published_at,
        "published_by": publication.published_by,
        "figures": publication.figures,
        "as_of": publication.as_of,
        "changes_since": changes_since(publication, now),
    }


def changes_since(publication, now):
    """Per figure: published, now, the difference, and the records behind it: those of
    the year (as the figure picks them) whose latest version was written after the
    publication, voided ones included (a void withdraws figures too)."""
    moment = county_moment(publication.published_at)
    changes = []
    for metric, row in now["figures"].items():
        source = METRICS[metric][0]
        since = urlencode(
            [(key, value.format(moment=moment)) for key, value in source.changed_since]
        )
        published = publication.figures["figures"].get(metric, {}).get("value", 0)
        changes.append(
            {
                "metric": metric,
                "label": METRICS[metric][1].label,
                "published": published,
                "now": row["value"],
                "difference": row["value"] - published,
                "records": f"{row['records']}&{since}",
            }
        )
    return changes
