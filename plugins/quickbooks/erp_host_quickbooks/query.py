"""Building statements in the QuickBooks query language.

String literals are single-quoted; a backslash escapes the next character.
The backslash itself is escaped first, then the apostrophe; double quotes
need no escaping inside a single-quoted literal.
"""
from __future__ import annotations


def literal(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def condition(field: str, op: str, value) -> str:
    if op.upper() == "IN":
        return f"{field} IN ({', '.join(literal(v) for v in value)})"
    return f"{field} {op} {literal(value)}"


def select(
    entity: str,
    where: list[tuple[str, str, object]] = (),
    order_by: str | None = None,
    start: int | None = None,
    max_results: int | None = None,
    count: bool = False,
) -> str:
    parts = [f"SELECT {'COUNT(*)' if count else '*'} FROM {entity}"]
    if where:
        parts.append("WHERE " + " AND ".join(condition(*c) for c in where))
    if order_by:
        parts.append(f"ORDERBY {order_by}")
    if start is not None:
        parts.append(f"STARTPOSITION {int(start)}")
    if max_results is not None:
        parts.append(f"MAXRESULTS {int(max_results)}")
    return " ".join(parts)
