"""Domains on a time derived from event rows (a first open, a last click), for the search
methods of computed fields."""

from odoo import fields
from odoo.tools import SQL

_COMPARISONS = ("<", "<=", ">", ">=", "=", "!=")


def event_time_domain(events, key, aggregate, operator, value):
    """Domain on ``id`` for records whose ``aggregate`` ("min" or "max") of ``event_at``
    in ``events`` (an SQL query of ``key`` and ``event_at``) compares to ``value``; a
    comparison with False asks whether the record has any event. NotImplemented for other
    operators."""
    if operator in ("=", "!=") and not value:
        having_events = SQL("SELECT %s FROM (%s) events", SQL.identifier(key), events)
        return [("id", "not in" if operator == "=" else "in", having_events)]
    if operator not in _COMPARISONS:
        return NotImplemented
    value = fields.Datetime.to_datetime(value)
    if (aggregate, operator) in (("max", ">"), ("max", ">="), ("min", "<"), ("min", "<=")):
        # the aggregate passes exactly when any event does: no grouping needed
        condition = SQL("WHERE event_at %s %s", SQL(operator), value)
    else:
        condition = SQL(
            "GROUP BY %s HAVING %s(event_at) %s %s",
            SQL.identifier(key),
            SQL(aggregate),
            SQL(operator),
            value,
        )
    return [("id", "in", SQL("SELECT %s FROM (%s) events %s", SQL.identifier(key), events, condition))]
