"""Summing a recording service's current records by columns, for fast rebuilds.

A rebuild asks a recording service for a few groupings of all its records (a million, say)
as of one feed position. On SQLite a grouped scan is one sort on one core, so the records
are split into parts (by rowid) summed on several connections at once; every connection
is started while writers are held off, so all of them (and the feed position) see the
same snapshot and the sums are exactly those as of that position.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager

import sqlalchemy as sa
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from shared.db import READ_ONLY, writers_held
from shared.errors import ApiError
from shared.recording.records import ACTIVE

PARTS = min(4, os.cpu_count() or 1)


class AggregateSpec:
    """What a service lets a rebuild sum: its model, the columns one may group by (and
    `month`, the YYYY-MM of `day`), each metric's SQL expression (a count or a sum), and
    the SQL of any column its facts carry as other than stored (`computed`)."""

    def __init__(self, model, *, columns, metrics, computed=None):
        self.model, self.columns, self.metrics = model, set(columns) | {"month"}, metrics
        self.computed = {"month": sa.func.substr(sa.cast(model.day, sa.String), 1, 7)}
        self.computed |= computed or {}

    def grouping_column(self, name):
        """The SQL of a column to group by."""
        return self.computed.get(name, getattr(self.model, name, None))

    def statement(self, grouping, part=None):
        """The grouped sums of the active records (of one SQLite part: (index, parts))."""
        columns = [self.grouping_column(column) for column in grouping]
        keys = [column.label(name) for column, name in zip(columns, grouping, strict=True)]
        sums = [expression.label(name) for name, expression in self.metrics.items()]
        statement = sa.select(*keys, *sums).where(self.model.status == ACTIVE)
        if part is None:
            return statement.group_by(*keys)
        rowid = sa.literal_column(f"{self.model.__tablename__}.rowid")
        # SQLite would walk an index whose columns the grouping shares (a lookup in the
        # table for every record) to sort less; reading the table in order and sorting
        # it all is faster. A unary + on each term keeps SQLite from matching an index.
        in_table_order = [UnaryExpression(c.self_group(), operator=custom_op("+")) for c in columns]
        return statement.where(rowid % part[1] == part[0]).group_by(*in_table_order)


def aggregate_as_of(session, spec, groupings, position):
    """(feed position, [{"by": columns, "groups": [{column: value, metric: sum}]}]) of the
    active records, every grouping as of that one position (`position(connection)` reads
    it)."""
    unknown = sorted({c for grouping in groupings for c in grouping} - spec.columns)
    if unknown:
        messages = [f"No column {name} to group by." for name in unknown]
        raise ApiError(422, "Unknown grouping columns.", fields={"grouping": messages})
    engine = session.get_bind()
    if engine.dialect.name != "sqlite" or PARTS < 2:
        as_of = position(session)  # the first read fixes the snapshot of this transaction
        return as_of, [_result(g, [session.execute(spec.statement(g))], spec) for g in groupings]
    with ExitStack() as readers_open:
        with writers_held(engine):  # nothing commits while the readers start
            as_of = position(session)
            readers = [
                readers_open.enter_context(_pinned_reader(engine, position)) for _ in range(PARTS)
            ]
        parts = [[] for _ in groupings]
        lock = threading.Lock()

        def sum_part(index):  # reader `index` sums part `index` of the records, every grouping
            for number, grouping in enumerate(groupings):
                rows = readers[index].execute(spec.statement(grouping, (index, PARTS))).all()
                with lock:
                    parts[number].append(rows)

        with ThreadPoolExecutor(PARTS) as pool:
            list(pool.map(sum_part, range(PARTS)))
    return as_of, [_result(g, rows, spec) for g, rows in zip(groupings, parts, strict=True)]


@contextmanager
def _pinned_reader(engine, position):
    """A read-only connection whose transaction (and so its snapshot) starts at once."""
    with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        connection.begin()
        position(connection)
        yield connection


def _result(grouping, parts, spec):
    """One grouping's rows: a group found in several parts is summed into one."""
    totals = {}
    width = len(grouping)
    for rows in parts:
        for row in rows:
            key, sums = tuple(row[:width]), row[width:]
            known = totals.get(key)
            totals[key] = list(sums) if known is None else [
                a + b for a, b in zip(known, sums, strict=True)
            ]  # fmt: skip
    return {
        "by": grouping,
        "groups": [
            dict(zip(grouping, map(_plain, key), strict=True))
            | dict(zip(spec.metrics, sums, strict=True))
            for key, sums in totals.items()
        ],
    }


def _plain(value):
    """A grouped value as the answer carries it: a day as its ISO text."""
    return value.isoformat() if hasattr(value, "isoformat") else value
