"""A real parser and evaluator for the subset of the QuickBooks query language
the plugin uses:

    SELECT * | COUNT(*) FROM Entity
      [WHERE cond [AND cond]...]        cond: Prop (= < > <= >= !=) value | Prop LIKE 'x%' | Prop IN (v, ...)
      [ORDERBY Prop [ASC|DESC] [, ...]]
      [STARTPOSITION n] [MAXRESULTS n]

Keywords are case-insensitive, entity names are not. String literals are
single-quoted; a backslash escapes the next character. There is no OR,
no JOIN, no projection, as in QuickBooks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


class QueryError(Exception):
    """The statement cannot be parsed (QuickBooks' ``QueryParserError``)."""


@dataclass(frozen=True)
class Token:
    kind: str  # word, string, number, symbol, end
    text: str
    value: object
    column: int


_SYMBOLS = ("<=", ">=", "!=", "=", "<", ">", "(", ")", ",", "*")


def tokenize(text: str) -> list[Token]:
    tokens, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "'":
            start, i, chars = i, i + 1, []
            while True:
                if i >= len(text):
                    raise QueryError(f"Lexical error at line 1, column {start + 1}. Unterminated string literal.")
                if text[i] == "\\" and i + 1 < len(text):
                    chars.append(text[i + 1])
                    i += 2
                elif text[i] == "'":
                    i += 1
                    break
                else:
                    chars.append(text[i])
                    i += 1
            tokens.append(Token("string", text[start:i], "".join(chars), start + 1))
        elif ch.isdigit() or (ch == "-" and i + 1 < len(text) and text[i + 1].isdigit()):
            m = re.match(r"-?\d+(\.\d+)?", text[i:])
            tokens.append(Token("number", m.group(0), Decimal(m.group(0)), i + 1))
            i += len(m.group(0))
        elif ch.isalpha() or ch == "_":
            m = re.match(r"[A-Za-z_][A-Za-z0-9_.]*", text[i:])
            tokens.append(Token("word", m.group(0), m.group(0), i + 1))
            i += len(m.group(0))
        else:
            for symbol in _SYMBOLS:
                if text.startswith(symbol, i):
                    tokens.append(Token("symbol", symbol, symbol, i + 1))
                    i += len(symbol)
                    break
            else:
                raise QueryError(f"Lexical error at line 1, column {i + 1}. Encountered: \"{ch}\"")
    tokens.append(Token("end", "<EOF>", None, len(text) + 1))
    return tokens


@dataclass(frozen=True)
class Condition:
    prop: str
    op: str  # =, !=, <, >, <=, >=, LIKE, IN
    value: object  # a literal, or a tuple of literals for IN


@dataclass(frozen=True)
class Query:
    entity: str
    count: bool = False
    where: tuple[Condition, ...] = ()
    order_by: tuple[tuple[str, bool], ...] = ()  # (prop, descending)
    start: int = 1
    max_results: int | None = None


class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.pos = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def _fail(self, expected: str):
        t = self.tok
        raise QueryError(f"Encountered \"{t.text}\" at line 1, column {t.column}. Was expecting {expected}.")

    def keyword(self, *words: str) -> str | None:
        if self.tok.kind == "word" and self.tok.text.upper() in words:
            word = self.tok.text.upper()
            self.pos += 1
            return word
        return None

    def expect_keyword(self, word: str):
        if not self.keyword(word):
            self._fail(word)

    def symbol(self, sym: str) -> bool:
        if self.tok.kind == "symbol" and self.tok.text == sym:
            self.pos += 1
            return True
        return False

    def expect_symbol(self, sym: str):
        if not self.symbol(sym):
            self._fail(f'"{sym}"')

    def identifier(self) -> str:
        if self.tok.kind != "word" or self.tok.text.upper() in _RESERVED:
            self._fail("a property name")
        name = self.tok.text
        self.pos += 1
        return name

    def literal(self):
        t = self.tok
        if t.kind in ("string", "number"):
            self.pos += 1
            return t.value
        if t.kind == "word" and t.text.lower() in ("true", "false"):
            self.pos += 1
            return t.text.lower() == "true"
        self._fail("a value")

    def integer(self) -> int:
        t = self.tok
        if t.kind != "number" or t.value != int(t.value) or t.value < 0:
            self._fail("a positive integer")
        self.pos += 1
        return int(t.value)

    def parse(self) -> Query:
        self.expect_keyword("SELECT")
        count = False
        if self.symbol("*"):
            pass
        elif self.keyword("COUNT"):
            self.expect_symbol("(")
            self.expect_symbol("*")
            self.expect_symbol(")")
            count = True
        else:
            self._fail('"*" or "COUNT(*)"')
        self.expect_keyword("FROM")
        entity = self.identifier()
        where = []
        if self.keyword("WHERE"):
            where.append(self.condition())
            while self.keyword("AND"):
                where.append(self.condition())
            if self.tok.kind == "word" and self.tok.text.upper() == "OR":
                raise QueryError(f"Encountered \"OR\" at line 1, column {self.tok.column}. OR is not supported.")
        order = []
        if self.keyword("ORDERBY"):
            while True:
                prop = self.identifier()
                direction = self.keyword("ASC", "DESC")
                order.append((prop, direction == "DESC"))
                if not self.symbol(","):
                    break
        start, max_results = 1, None
        if self.keyword("STARTPOSITION"):
            start = max(self.integer(), 1)
        if self.keyword("MAXRESULTS"):
            max_results = self.integer()
        if self.tok.kind != "end":
            self._fail("<EOF>")
        return Query(entity, count, tuple(where), tuple(order), start, max_results)

    def condition(self) -> Condition:
        prop = self.identifier()
        if self.keyword("LIKE"):
            value = self.literal()
            if not isinstance(value, str):
                self._fail("a string after LIKE")
            return Condition(prop, "LIKE", value)
        if self.keyword("IN"):
            self.expect_symbol("(")
            values = [self.literal()]
            while self.symbol(","):
                values.append(self.literal())
            self.expect_symbol(")")
            return Condition(prop, "IN", tuple(values))
        for op in ("<=", ">=", "!=", "=", "<", ">"):
            if self.symbol(op):
                return Condition(prop, op, self.literal())
        self._fail("an operator (=, <, >, <=, >=, !=, LIKE, IN)")


_RESERVED = {"SELECT", "FROM", "WHERE", "AND", "OR", "ORDERBY", "ASC", "DESC", "STARTPOSITION", "MAXRESULTS",
             "IN", "LIKE", "COUNT"}


def parse(text: str) -> Query:
    return _Parser(text).parse()


# --- evaluation --------------------------------------------------------------------------


def field_value(row: dict, prop: str):
    """``CustomerRef`` compares by its ``value``; ``MetaData.CreateTime`` reads nested fields."""
    value = row
    for part in prop.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    return value


def _number(value):
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _equal(actual, expected) -> bool:
    if actual is None:
        return False
    if isinstance(expected, bool) or isinstance(actual, bool):
        return str(actual).lower() == str(expected).lower()
    a, b = _number(actual), _number(expected)
    if isinstance(expected, Decimal) and a is not None:
        return a == b
    return str(actual).casefold() == str(expected).casefold()


def _compare(actual, op, expected) -> bool:
    if actual is None:
        return False
    a, b = _number(actual), _number(expected)
    if a is None or b is None:
        a, b = str(actual), str(expected)
    return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]


def _like(actual, pattern: str) -> bool:
    if actual is None:
        return False
    regex = ".*".join(re.escape(part) for part in pattern.split("%"))
    return re.fullmatch(regex, str(actual), re.IGNORECASE | re.DOTALL) is not None


def matches(row: dict, cond: Condition) -> bool:
    actual = field_value(row, cond.prop)
    if cond.op == "=":
        return _equal(actual, cond.value)
    if cond.op == "!=":
        return actual is not None and not _equal(actual, cond.value)
    if cond.op == "IN":
        return any(_equal(actual, v) for v in cond.value)
    if cond.op == "LIKE":
        return _like(actual, cond.value)
    return _compare(actual, cond.op, cond.value)


def _sort_key(value):
    number = _number(value)
    if number is not None and not isinstance(value, str):
        return (0, number, "")
    return (1, Decimal(0), str(value or "").casefold())


def run(query: Query, rows: list[dict], default_max: int = 100, limit: int = 1000) -> dict:
    """Evaluate ``query`` on ``rows`` and shape a ``QueryResponse`` like QuickBooks."""
    selected = [row for row in rows if all(matches(row, c) for c in query.where)]
    if query.count:
        return {"totalCount": len(selected)}
    def id_key(row):
        number = _number(row.get("Id"))
        return _sort_key(number if number is not None else row.get("Id"))

    selected.sort(key=id_key)
    if len(query.order_by) == 1:  # ties follow the Id in the same direction
        prop, descending = query.order_by[0]
        selected.sort(key=lambda r: (_sort_key(field_value(r, prop)), id_key(r)), reverse=descending)
    else:
        for prop, descending in reversed(query.order_by):
            selected.sort(key=lambda r: _sort_key(field_value(r, prop)), reverse=descending)
    size = min(query.max_results if query.max_results is not None else default_max, limit)
    page = selected[query.start - 1 : query.start - 1 + size]
    if not page:
        return {}
    return {query.entity: page, "startPosition": query.start, "maxResults": len(page)}
