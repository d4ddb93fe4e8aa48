"""What the figures count: the one list that the rollup, the rebuild, the figures API and
the drill-down links are all driven by.

A source is a recording service whose feed entries carry a record's facts, before and
after each change (its `facts`). A metric is an amount of those facts; a breakdown is a
fact whose values split every metric of its source (type, category ...), with the query
parameter of the source's record list that lists one value's records. Areas nest: the
county, its townships, their villages. Every figure is kept at the grain it is read
(period x area x breakdown), so reading one is a few Redis reads whatever the year holds.

What is kept:
  county and townships  years, months and days; every breakdown of the source, and the
                        county also by township; both by village in years and months
  villages              years and months; totals only, and consultations by category
Anything else is a grain the figures do not keep: asking for it is a 422 that says which
grains exist (`refuse_unkept`), never a silent 0.

Adding a breakdown is a `Breakdown` here, the fact in the recording service's facts (and
its aggregate's columns, which follow from them) and its list filter. The key scheme is a
digest of this catalogue (`SCHEME`): a changed catalogue rebuilds the figures by itself.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from shared.components import RECORDING
from shared.errors import ApiError

CADRE_STUDY = "法治讲堂·逢九必讲"  # one of the activities' types (a contract test checks)


@dataclass(frozen=True)
class Metric:
    """An amount of a source's facts: its fact `name`, added up over the records."""

    name: str
    label: str
    # The field of a listed record it adds up; None: it counts the records.
    sums: str | None = None
    # The list filters (parameter, value) its records are picked by, besides the figure's.
    where: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Breakdown:
    """A fact whose values split a source's figures, and the list parameter of one value."""

    dimension: str
    parameter: str
    label: str
    # Names of values that are codes (the registry names townships, villages, advisors).
    names: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Source:
    """A recording service whose feed is counted."""

    name: str
    entity: str  # the feed entity whose facts it counts
    records: str  # its record list, as the gateway serves it
    metrics: tuple[Metric, ...]
    breakdowns: tuple[Breakdown, ...]
    total: str  # the breakdown whose values add up to each metric's total (one per record)
    facts: tuple[str, ...] = field(default=("day", "township_code", "village_code"))
    # The list parameters of the records written after a moment (RFC 3339), voids included:
    # what a published figure's difference since drills down to.
    changed_since: tuple[tuple[str, str], ...] = (
        ("changed_after", "{moment}"),
        ("include_void", "true"),
    )
    # The breakdowns a village keeps beside its totals (the county and townships keep all).
    village_breakdowns: tuple[str, ...] = ()

    def breakdown(self, dimension):
        """The breakdown of `dimension`, or None."""
        return next((b for b in self.breakdowns if b.dimension == dimension), None)


@dataclass(frozen=True)
class Level:
    """A kind of area below the county: its fact, its list parameter, the periods kept."""

    name: str
    fact: str
    parameter: str
    label: str
    periods: tuple[str, ...]
    keeps_breakdowns: bool  # an area of this level is kept under each source breakdown


PERIODS = ("year", "month", "day")
TOWNSHIP = Level("township", "township_code", "township", "乡镇", PERIODS, True)
VILLAGE = Level("village", "village_code", "village", "村(社区)", ("year", "month"), False)
LEVELS = (TOWNSHIP, VILLAGE)

ACTIVITIES = Source(
    name="activities",
    entity="activity",
    records="/api/v1/activities/activities",
    metrics=(
        Metric("sessions", "普法活动场次"),
        Metric("attendances", "覆盖人次", sums="attendances"),
        Metric("online_reach", "新媒体浏览量", sums="online_reach"),
        Metric("checkins", "签到人次", sums="checkins"),
        Metric("cadre_sessions", "法治讲堂·逢九必讲期数", where=(("type", CADRE_STUDY),)),
        Metric(
            "cadre_attendances",
            "法治讲堂·逢九必讲人次",
            sums="attendances",
            where=(("type", CADRE_STUDY),),
        ),
    ),
    breakdowns=(
        Breakdown("type", "type", "活动类型"),
        Breakdown("organiser", "organiser", "主办单位"),
        Breakdown(
            "late",
            "late",
            "是否补录",
            names=(("true", "关账后补录"), ("false", "按时录入")),
        ),
        Breakdown(
            "audience",
            "audience",
            "对象",
            names=(
                ("public", "群众"),
                ("students", "学生"),
                ("enterprises", "企业"),
                ("cadres", "干部"),
                ("enforcement_staff", "执法人员"),
            ),
        ),
    ),
    total="type",
)
CONSULTATIONS = Source(
    name="consultations",
    entity="consultation",
    records="/api/v1/consultations/consultations",
    metrics=(Metric("consultations", "法律咨询件次"),),
    breakdowns=(
        Breakdown("category", "category", "咨询类别"),
        Breakdown("channel", "channel", "咨询方式"),
        Breakdown("outcome", "outcome", "办理结果"),
        Breakdown("advisor_id", "advisor", "法律顾问"),
        Breakdown(
            "mediation_result",
            "mediation_result",
            "调解结果",
            names=(("success", "调解成功"), ("failure", "调解未成功")),
        ),
    ),
    total="category",
    # A village's consultations by category: the small cells of sensitive categories that
    # leaders see suppressed (services/stats/suppression.py).
    village_breakdowns=("category",),
)
SOURCES = (ACTIVITIES, CONSULTATIONS)
# Every feed the worker follows: the recording components' (shared/components.py): the
# counted sources, and the registry's, whose position names the state that names and
# coverage were asked at.
FEEDS = RECORDING
BY_ENTITY = {source.entity: source for source in SOURCES}
METRICS = {metric.name: (source, metric) for source in SOURCES for metric in source.metrics}
# What a figure may be broken down by: any source's breakdown, and the finer areas.
DIMENSIONS = (
    *(b.dimension for source in SOURCES for b in source.breakdowns),
    *(level.name for level in LEVELS),
)


def _scheme():
    """A digest of everything above that decides which figures are kept, and where (not
    of labels, names or list parameters, which change no stored figure)."""
    described = {
        "sources": [
            {
                "name": source.name,
                "entity": source.entity,
                "metrics": [metric.name for metric in source.metrics],
                "breakdowns": [breakdown.dimension for breakdown in source.breakdowns],
                "village_breakdowns": list(source.village_breakdowns),
            }
            for source in SOURCES
        ],
        "levels": [
            {
                key: value
                for key, value in asdict(level).items()
                if key not in ("label", "parameter")
            }
            for level in LEVELS
        ],
    }
    text = json.dumps(described, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


SCHEME = _scheme()
COUNTY_NAME, ALL_NAME = "全县", "合计"
# The dimensions whose values are registry codes, named by the registry (services/stats/names.py).
REGISTRY_NAMED = ("township", "village", "advisor_id")


def period_kind(period):
    """year, month or day, from the shape of a period (YYYY, YYYY-MM, YYYY-MM-DD)."""
    return {4: "year", 7: "month", 10: "day"}[len(period)]


def area_level(area):
    """The Level of an area ("township:<code>", "village:<code>"), None for the county."""
    kind = area.partition(":")[0]
    return next((level for level in LEVELS if level.name == kind), None)


KEPT_GRAINS = (
    "The figures do not keep this grain. Kept: the county and townships by year, month"
    " and day, by every breakdown and by the areas below them; villages by year and month,"
    " totals only, and consultations by category."
)


def kept_breakdowns(source, level):
    """The dimensions of `source` an area of `level` (None: the county) is kept by."""
    if level is None or level.keeps_breakdowns:
        return tuple(b.dimension for b in source.breakdowns)
    return source.village_breakdowns if level is VILLAGE else ()


def refuse_unkept(metric, period, area, dimension=None):
    """422 when the figures do not keep `metric` for this period, area and breakdown."""
    source, _ = METRICS[metric]
    kind, level = period_kind(period), area_level(area)
    problems = {}
    if level is not None and kind not in level.periods:
        problems["period"] = [f"No {kind}s are kept of a {level.name}."]
    if dimension is not None:
        finer = next((lv for lv in LEVELS if lv.name == dimension), None)
        if finer is not None:
            if level is not None and LEVELS.index(finer) <= LEVELS.index(level):
                problems["by"] = ["Not a finer area."]
            elif kind not in finer.periods:
                problems["by"] = [f"No {kind}s are kept by {dimension}."]
        elif source.breakdown(dimension) is None:
            kept = ", ".join(b.dimension for b in source.breakdowns)
            problems["by"] = [f"{metric} cannot be broken down by {dimension}; it can by {kept}."]
        elif dimension not in kept_breakdowns(source, level):
            problems["by"] = [f"A {level.name} keeps totals only."]
    if problems:
        raise ApiError(422, KEPT_GRAINS, code="grain_not_kept", fields=problems)


def period_range(period):
    """The first and last day of a year (YYYY), month (YYYY-MM) or day."""
    if len(period) == 4:
        return f"{period}-01-01", f"{period}-12-31"
    if len(period) == 7:
        year, month = int(period[:4]), int(period[5:])
        following = f"{year + month // 12:04d}-{month % 12 + 1:02d}-01"
        return period + "-01", (date.fromisoformat(following) - timedelta(days=1)).isoformat()
    return period, period


def records_query(metric, period, area, breakdown="all"):
    """The list query, in the metric's source, of the records behind a figure."""
    source, entry = METRICS[metric]
    start, end = period_range(period)
    query = {"from": start, "to": end}
    level = area_level(area)
    if level is not None:
        query[level.parameter] = area.partition(":")[2]
    if breakdown != "all":
        dimension, _, value = breakdown.partition(":")
        finer = next((lv for lv in LEVELS if lv.name == dimension), None)
        parameter = finer.parameter if finer else source.breakdown(dimension).parameter
        query[parameter] = value
    query.update(entry.where)
    return source, query
