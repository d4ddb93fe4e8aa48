"""The few statements a write runs for every record, compiled once and run on the driver.

SQLAlchemy builds and compiles them (types, bind processors, dialect), but executing a
statement through it costs several times what the database itself spends on a one-row
insert or an id look-up (cache key, parameter set-up, result wrapping: ~100 µs against
~15 µs on SQLite). For these statements the compiled SQL and each parameter's bind
processor are kept, and the rows go to the driver's cursor of the session's own
connection, inside its transaction — what SQLAlchemy would send, without the bookkeeping.
"""

import functools
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy.dialects.sqlite import DATE, DATETIME


class _Prepared(NamedTuple):
    sql: str
    binds: tuple  # (name, bind processor or None), in the order a positional driver wants
    positional: bool

    def parameters(self, values):
        """One row's parameters for the driver."""
        processed = [
            values[name] if process is None else process(values[name])
            for name, process in self.binds
        ]
        if self.positional:
            return processed
        return {name: value for (name, _), value in zip(self.binds, processed, strict=True)}


@functools.cache
def _prepare(statement, dialect, keys=None, expanding=None):
    column_keys = list(keys) if keys is not None else None
    if expanding is None:
        compiled = statement.compile(dialect=dialect, column_keys=column_keys)
        names = tuple(compiled.positiontup) if compiled.positional else tuple(compiled.binds)
        binds = [compiled.binds[name] for name in names]
    else:  # the one IN over `count` values, rendered as that many parameters name_1, ...
        name, count = expanding
        rendered = statement.params({name: [None] * count})
        compiled = rendered.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        names = tuple(f"{name}_{index}" for index in range(1, count + 1))
        binds = [compiled.binds[name]] * count
    processors = [_bind_processor(bind.type.dialect_impl(dialect), dialect) for bind in binds]
    return _Prepared(
        compiled.string, tuple(zip(names, processors, strict=True)), compiled.positional
    )


def _bind_processor(impl, dialect):
    """The type's bind processor; for SQLite's dates and times in their default storage
    format, one that writes the same text from `isoformat` (~3 µs a value less)."""
    process = impl.bind_processor(dialect)
    if type(impl) is DATETIME and impl._storage_format == DATETIME._storage_format:
        return _iso_text(datetime, lambda moment: moment.isoformat(" ", "microseconds"), process)
    if type(impl) is DATE and impl._storage_format == DATE._storage_format:
        return _iso_text(date, date.isoformat, process)
    return process


def _iso_text(kind, iso, process):
    """`iso` for a naive value of exactly `kind`; anything else to SQLAlchemy's `process`.
    The last text written is kept: a request's one server time (shared.recording's
    `Recorder.now`) is in every row it writes, two or three times over (~1.5% of a batch)."""
    last = (None, None)  # (value, its text), swapped whole: threads share the processor

    def text(value):
        nonlocal last
        seen, seen_text = last
        if value is seen and seen is not None:
            return seen_text
        if type(value) is kind and (kind is date or value.tzinfo is None):
            written = iso(value)
            last = (value, written)
            return written
        return process(value)

    return text


def insert_rows(connection, statement, rows):
    """Insert rows (dicts holding every column the rows give) with `statement`."""
    if not rows:
        return
    prepared = _prepare(statement, connection.dialect, tuple(rows[0]))
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.executemany(prepared.sql, [prepared.parameters(row) for row in rows])
    finally:
        cursor.close()


def select_column(connection, statement, **parameters):
    """The first column of the rows `statement` selects; at most one parameter, a list
    for its expanding IN (`ids=[...]`)."""
    expanding = None
    if parameters:
        ((name, values),) = parameters.items()
        expanding = (name, len(values))
        parameters = {f"{name}_{index}": value for index, value in enumerate(values, 1)}
    prepared = _prepare(statement, connection.dialect, None, expanding)
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(prepared.sql, prepared.parameters(parameters))
        return [row[0] for row in cursor.fetchall()]
    finally:
        cursor.close()
