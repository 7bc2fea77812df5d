"""The sandbox answers like QuickBooks: the documented samples' shapes."""
import json
from pathlib import Path

import pytest
import requests

from erp_host_quickbooks import tokens
from erp_host_quickbooks.create import request_id as _request_id
from erp_host_quickbooks.sandbox.testing import connect

SAMPLES = Path(__file__).parent / "samples"


def sample_json(name):
    return json.loads((SAMPLES / name).read_text())


@pytest.fixture
def api(sandbox, connected):
    token = tokens.load(connected)["access_token"]
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})
    return session, f"{sandbox.url}/v3/company/{sandbox.store.realm_id}"


def test_documented_minimal_create_request_is_accepted_with_the_documented_response_shape(api):
    session, base = api
    answer = session.post(f"{base}/invoice", params={"minorversion": "75"},
                          json=sample_json("invoice_create_request_minimal.json"))
    assert answer.status_code == 200, answer.text
    got = answer.json()["Invoice"]
    documented = sample_json("invoice_create_response.json")["Invoice"]
    optional = {"ProjectRef", "CustomField", "ShipAddr", "BillAddr", "DocNumber"}  # company-specific
    assert set(documented) - optional <= set(got)
    assert got["Line"][-1]["DetailType"] == "SubTotalLineDetail" and got["TotalAmt"] == 100
    assert got["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] == {"value": "NON"}
    assert "DocNumber" not in got  # custom numbers on and none given: QuickBooks leaves it empty


def test_reads_and_queries_have_the_documented_shapes(api):
    session, base = api
    for entity, sample in (("Term", "term_query_response.json"), ("Item", "item_query_response.json"),
                           ("Customer", "customer_query_response.json"), ("Invoice", "invoice_query_response.json")):
        got = session.get(f"{base}/query", params={"query": f"SELECT * FROM {entity} MAXRESULTS 2"}).json()
        documented = sample_json(sample)["QueryResponse"]
        assert {"startPosition", "maxResults", entity} <= set(got["QueryResponse"])
        assert set(documented[entity][0]) & {"Id", "Name", "DisplayName", "Active", "TotalAmt"} <= set(got["QueryResponse"][entity][0])
    customer = session.get(f"{base}/customer/2").json()["Customer"]
    assert customer["DisplayName"] == "Bill's Windsurf Shop"
    assert set(sample_json("customer_read_response.json")["Customer"]) >= {"DisplayName", "Active", "Id", "SyncToken"}
    missing = session.get(f"{base}/invoice/424242")
    assert missing.status_code == 400 and missing.json()["Fault"]["Error"][0]["code"] == "610"


def test_reconnecting_to_another_company_warns(plugin, config, connected, sandbox):
    sandbox.store.realm_id = "424242"
    result = connect(plugin, config, connected)
    assert result.ok and any(m.level == "warning" and "different QuickBooks company" in m.text for m in result.messages)
    assert connected.state["realm_id"] == "424242"


def test_request_ids_fit_quickbooks_limit():
    assert _request_id("abc") == "abc"
    long = "x" * 80
    assert len(_request_id(long)) == 50 and _request_id(long) == _request_id(long) != _request_id(long + "y")
