"""Clients, services, taxes and payment terms through the API: the pages' rules and messages."""
import pytest


def test_list_is_paginated_with_a_total(api):
    response = api().get("/clients?limit=2&offset=1")
    assert response.status_code == 200
    body = response.json
    assert body["total"] == 5 and body["limit"] == 2 and body["offset"] == 1
    assert [c["code"] for c in body["items"]] == ["AMY", "NORDLICHT"]  # in code order, skipping the first


def test_search_and_read(api):
    found = api().get("/clients?q=weis").json["items"]
    assert [c["code"] for c in found] == ["WEISKOPF"]
    one = api().get(f"/clients/{found[0]['id']}").json
    assert one["name"] == "Weiskopf Consulting" and one["country"] == "US"


def test_create_and_update_with_the_forms_rules(api):
    created = api().post("/services", json={"name": "Subtitling", "unit_price": "2.5"})
    assert created.status_code == 201 and created.json["unit_price"] == "2.5"
    service_id = created.json["id"]
    changed = api().patch(f"/services/{service_id}", json={"unit_price": "3"})
    assert changed.status_code == 200 and changed.json == {"id": service_id, "name": "Subtitling", "unit_price": "3"}


@pytest.mark.parametrize("path, body, field, message", [
    ("/clients", {"code": "ACME-DE", "name": "Again"}, "code", "Another client already uses this code."),
    ("/clients", {"code": "X1", "name": "X", "country": "Spain"}, "country", "Use the 2-letter ISO code, e.g. ES."),
    ("/clients", {"code": "X1", "name": "X", "email": "not-an-email"}, "email", "Not a valid email address."),
    ("/services", {"name": "Cheap", "unit_price": "-1"}, "unit_price", "The price must be 0 or more."),
    ("/services", {"name": "Fine", "unit_price": "1.23456"}, "unit_price", "Give the number as a string of digits with at most 4 decimals"),
    ("/taxes", {"name": "Odd", "percent": "150"}, "percent", "The percent must be between -100 and 100."),
    ("/payment-terms", {"name": "Long", "days": 5000}, "days", "The days must be between 0 and 3650."),
    ("/clients", {"code": "X1\nX2", "name": "X"}, "code", "Use one line of text without control characters."),
])
def test_invalid_input_is_a_problem_naming_the_field(app, api, path, body, field, message):
    before = api().get(path).json["total"]
    response = api().post(path, json=body)
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert any(m.startswith(message) for m in response.json["errors"][field]), response.json
    assert api().get(path).json["total"] == before  # nothing saved


def test_unknown_fields_and_wrong_types_are_refused(api):
    assert api().post("/clients", json={"code": "A", "name": "B", "colour": "red"}).status_code == 422
    response = api().post("/payment-terms", json={"name": "T", "days": "30"})
    assert response.status_code == 422 and "days" in response.json["errors"]


def test_missing_record_is_a_404_problem(api):
    response = api().get("/taxes/999999")
    assert response.status_code == 404 and response.json["detail"] == "There is no tax 999999."


def test_a_patch_of_another_records_unique_value_is_refused(api):
    clients = api().get("/clients").json["items"]
    response = api().patch(f"/clients/{clients[0]['id']}", json={"code": clients[1]["code"]})
    assert response.status_code == 422
    assert response.json["errors"]["code"] == ["Another client already uses this code."]
