"""The sandbox's query-language parser and evaluator, and the plugin's
statement builder, which must agree on escaping."""
from decimal import Decimal

import pytest

from erp_host_quickbooks.query import literal, select
from erp_host_quickbooks.sandbox.qparser import Condition, QueryError, parse, run

ROWS = [
    {"Id": "1", "DisplayName": "Amy's Bird Sanctuary", "Active": True, "Balance": 274.0,
     "CustomerRef": {"value": "1"}, "TxnDate": "2025-01-02"},
    {"Id": "2", "DisplayName": 'The "Corner" Café', "Active": True, "Balance": 0,
     "CustomerRef": {"value": "2"}, "TxnDate": "2025-03-01"},
    {"Id": "3", "DisplayName": "Back\\Slash Books", "Active": False, "Balance": 85.5,
     "CustomerRef": {"value": "1"}, "TxnDate": "2025-02-01"},
    {"Id": "10", "DisplayName": "Weiskopf Consulting", "Active": True, "Balance": 390,
     "CustomerRef": {"value": "1"}, "TxnDate": "2025-02-01"},
]


def ids(response, entity="Customer"):
    return [row["Id"] for row in response.get(entity, [])]


def test_full_statement_parses():
    q = parse("select * from Invoice where CustomerRef = '1' and TxnDate >= '2025-01-01' "
              "orderby TxnDate desc startposition 11 maxresults 10")
    assert q.entity == "Invoice" and not q.count
    assert q.where == (Condition("CustomerRef", "=", "1"), Condition("TxnDate", ">=", "2025-01-01"))
    assert q.order_by == (("TxnDate", True),)
    assert (q.start, q.max_results) == (11, 10)


def test_count_and_in_and_booleans():
    q = parse("SELECT COUNT(*) FROM Customer WHERE Active IN (true, false) AND Balance > 100")
    assert q.count
    assert q.where[0] == Condition("Active", "IN", (True, False))
    assert q.where[1] == Condition("Balance", ">", Decimal(100))
    assert run(q, ROWS) == {"totalCount": 2}  # 274 and 390


@pytest.mark.parametrize("name", ["Amy's Bird Sanctuary", 'The "Corner" Café', "Back\\Slash Books", "a\\'b", "'"])
def test_builder_escaping_round_trips_through_the_parser(name):
    statement = select("Customer", [("DisplayName", "=", name)])
    assert parse(statement).where[0].value == name


def test_escapes_backslash_before_apostrophe():
    assert literal("Amy's") == r"'Amy\'s'"
    assert literal("a\\b") == r"'a\\b'"
    assert literal('say "hi"') == "'say \"hi\"'"
    assert literal(True) == "true"


def test_equality_is_exact_but_case_insensitive_and_refs_compare_by_value():
    assert ids(run(parse(r"SELECT * FROM Customer WHERE DisplayName = 'amy\'s bird sanctuary'"), ROWS)) == ["1"]
    assert ids(run(parse("SELECT * FROM Customer WHERE DisplayName = 'Amy'"), ROWS)) == []
    assert ids(run(parse("SELECT * FROM Customer WHERE CustomerRef = '1'"), ROWS)) == ["1", "3", "10"]


def test_like_and_in():
    assert ids(run(parse("SELECT * FROM Customer WHERE DisplayName LIKE '%co%'"), ROWS)) == ["2", "10"]
    assert ids(run(parse("SELECT * FROM Customer WHERE DisplayName LIKE 'Back%'"), ROWS)) == ["3"]
    assert ids(run(parse("SELECT * FROM Customer WHERE Id IN ('2', '10')"), ROWS)) == ["2", "10"]


def test_orderby_desc_with_paging_and_numeric_ids():
    q = "SELECT * FROM Customer ORDERBY TxnDate DESC STARTPOSITION {} MAXRESULTS 2"
    first, second = run(parse(q.format(1)), ROWS), run(parse(q.format(3)), ROWS)
    assert ids(first) == ["2", "10"] and first["startPosition"] == 1 and first["maxResults"] == 2
    assert ids(second) == ["3", "1"]
    assert run(parse(q.format(5)), ROWS) == {}  # past the end: no entity key, like QuickBooks
    assert ids(run(parse("SELECT * FROM Customer"), ROWS)) == ["1", "2", "3", "10"]


def test_maxresults_defaults_to_100_and_caps_at_1000():
    rows = [{"Id": str(i)} for i in range(1, 1201)]
    assert len(run(parse("SELECT * FROM Item"), rows)["Item"]) == 100
    assert len(run(parse("SELECT * FROM Item MAXRESULTS 5000"), rows)["Item"]) == 1000


@pytest.mark.parametrize("statement, fragment", [
    ("SELECT * FROM Customer WHERE DisplayName = 'a' OR Id = '1'", "OR is not supported"),
    ("SELECT * FROM Customer WHERE DisplayName = 'unterminated", "Unterminated"),
    ("SELECT Id FROM Customer", "Was expecting"),
    ("SELECT * FROM Customer WHERE", "property name"),
    ("SELECT * FROM Customer ORDERBY", "property name"),
    ("SELECT * FROM Customer MAXRESULTS -1", "positive integer"),
    ("SELECT * FROM Customer extra", "<EOF>"),
])
def test_errors(statement, fragment):
    with pytest.raises(QueryError, match=fragment):
        parse(statement)
