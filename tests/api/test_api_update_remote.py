"""``POST /invoices/{id}/integrations/{provider}/update``: the page's "Update in
<Provider>" for scripts, after a confirmed change to a linked invoice."""
from dataclasses import replace

import pytest

from host import Message, Result, hookimpl
from host.testing.reference_provider import ReferenceProvider

BASE = "/invoices/1/integrations/reference"


class EditableReference(ReferenceProvider):
    """The reference service, which also takes changes while its invoice is new (as B2BRouter does)."""

    @hookimpl
    def update_remote_invoice(self, invoice, link):
        remote = self.invoices[link.remote_id]
        if remote.state != "new":
            return Result(ok=False, sent=False, messages=(Message(
                "error", f"{self.title} invoice {remote.number} is {remote.state}: it no longer takes changes."),))
        tax_lines, total = self._computed(invoice)
        self.invoices[link.remote_id] = replace(remote, total=total, tax_lines=tax_lines)
        return Result.success(f"Updated {self.title} invoice {remote.number}.", remote=self._remote(link.remote_id))


@pytest.fixture
def reference():
    return EditableReference()


def test_a_confirmed_change_is_sent_to_the_linked_invoice(app, enabled, reference):
    assert enabled().post(f"{BASE}/create").status_code == 202
    lines = [{"description": "Rush fee", "quantity": "1", "unit_price": "10", "tax_ids": []}]
    changed = enabled().patch("/invoices/1?confirm_linked=true", json={"lines": lines})
    assert changed.status_code == 200, changed.json
    new_total = changed.json["totals"]["total"]
    before = enabled().get(BASE).json["link"]
    assert before["remote_total"] != new_total and before["status"] == "linked"

    updated = enabled().post(f"{BASE}/update")
    assert updated.status_code == 200, updated.json
    assert updated.json["link"]["remote_total"] == new_total and updated.json["link"]["remote_id"] == before["remote_id"]
    history = enabled().get(f"{BASE}/history").json["items"]
    assert (history[0]["action"], history[0]["outcome"]) == ("update", "ok")


def test_a_refused_update_keeps_the_link_and_says_why(app, enabled, reference):
    assert enabled().post(f"{BASE}/create").status_code == 202
    remote_id = enabled().get(BASE).json["link"]["remote_id"]
    reference.set_state(remote_id, "sent")
    refused = enabled().post(f"{BASE}/update")
    assert refused.status_code == 422 and "no longer takes changes" in refused.json["detail"]
    assert enabled().get(BASE).json["link"]["remote_id"] == remote_id


def test_an_invoice_that_is_not_linked_is_not_updated(app, enabled, reference):
    refused = enabled().post(f"{BASE}/update")
    assert refused.status_code == 409 and refused.json["detail"] == "This invoice is not linked."
    assert "update_remote_invoice" not in reference.calls
