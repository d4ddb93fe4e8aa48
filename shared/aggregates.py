"""Summing a recording service's current records by columns, for fast rebuilds."""

import sqlalchemy as sa

from shared.errors import ApiError


def grouped_sums(session, model, columns, allowed, metrics):
    """Rows {column: value ..., metric: sum ...} of active records grouped by `columns`.

    `allowed` names the columns one may group by; `metrics` maps a metric name to its SQL
    expression (a count or a sum).
    """
    unknown = [column for column in columns if column not in allowed]
    if unknown:
        raise ApiError(422, "Unknown grouping columns.", fields={"grouping": unknown})
    keys = [getattr(model, column) for column in columns]
    labelled = [expression.label(name) for name, expression in metrics.items()]
    rows = session.execute(
        sa.select(*keys, *labelled).where(model.status == "active").group_by(*keys)
    ).mappings()
    return [
        {
            key: value.isoformat() if hasattr(value, "isoformat") else value
            for key, value in row.items()
        }
        for row in rows
    ]
