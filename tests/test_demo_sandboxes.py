"""``erp-host demo`` keeps its sandboxes' ports and data across restarts (issue 12, point 4)."""
from __future__ import annotations

import json

import requests

from host.demo_ports import PORTS, assign_ports, derived_port
from host.demo_run import _start, start_sandboxes
from host.testing.sandbox import DemoSandbox


def test_a_key_gets_the_same_port_whatever_else_is_installed(tmp_path):
    alone = assign_ports(["b2brouter"], tmp_path / "one" / "ports.json")
    with_others = assign_ports(["acme_books", "b2brouter", "memsource_belazy", "quickbooks"],
                               tmp_path / "four" / "ports.json")
    assert alone["b2brouter"] == with_others["b2brouter"] == derived_port("b2brouter")
    assert len(set(with_others.values())) == 4 and all(port in PORTS for port in with_others.values())


def test_recorded_ports_are_kept_and_only_a_newcomer_moves(tmp_path):
    ports_file = tmp_path / "ports.json"
    ports_file.write_text(json.dumps({"quickbooks": derived_port("acme_books")}))
    assigned = assign_ports(["acme_books", "quickbooks"], ports_file)
    assert assigned["quickbooks"] == derived_port("acme_books")  # recorded first: stays
    assert assigned["acme_books"] == derived_port("acme_books") + 1
    assert assign_ports(["acme_books"], ports_file) == {"acme_books": derived_port("acme_books") + 1}
    assert json.loads(ports_file.read_text()) == {**assigned}


def test_restarted_demo_sandboxes_still_serve_what_they_created(tmp_path):
    # Port 0 in the ports file: the test takes free ports instead of the demo's fixed ones.
    (tmp_path / "ports.json").write_text(json.dumps({"b2brouter": 0, "quickbooks": 0, "memsource_belazy": 0}))
    sandboxes, failures = start_sandboxes(tmp_path)
    try:
        assert failures == [] and {"b2brouter", "quickbooks", "memsource_belazy"} <= set(sandboxes)
        config = sandboxes["b2brouter"].config
        created = requests.post(f"{sandboxes['b2brouter'].url}/accounts/{config['account_id']}/invoices", timeout=5,
                                headers={"X-B2B-API-Key": config["api_key"]},
                                json={"invoice": {"number": "DEMO-KEEP", "date": "2025-11-20", "contact_id": 5000001,
                                                  "invoice_lines_attributes": [{"description": "x", "quantity": 1,
                                                                                "price": 5, "taxes_attributes": [
                                                                                    {"category": "S", "percent": 21}]}]}})
        remote_id = created.json()["invoice"]["id"]
    finally:
        for sandbox in sandboxes.values():
            sandbox.stop()
    assert (tmp_path / "b2brouter.json").exists() and (tmp_path / "quickbooks.json").exists()
    again, _ = start_sandboxes(tmp_path)
    try:
        page = requests.get(f"{again['b2brouter'].url}/invoices/{remote_id}", headers={"Accept": "text/html"}, timeout=5)
        assert page.status_code == 200 and "DEMO-KEEP" in page.text
    finally:
        for sandbox in again.values():
            sandbox.stop()


def test_a_sandbox_taking_only_a_port_still_starts(tmp_path):
    def start(port):
        return DemoSandbox(f"http://127.0.0.1:{port}", {}, lambda: None)

    assert _start(start, 8123, tmp_path / "old.json").url == "http://127.0.0.1:8123"
