"""Invoice numbers from the company's format: generated when left empty, still
overridable, per-year sequences, never the same number twice under concurrency."""
import threading
from datetime import date

from host import numbering
from host.extensions import db
from host.models import Company, Invoice


def test_format_problems_are_explained():
    assert numbering.format_problem("INV-{year}-{seq:04}") is None
    assert "needs {seq}" in numbering.format_problem("INV-{year}")
    assert "Unknown field {month}" in numbering.format_problem("INV-{month}-{seq}")
    assert "cannot be used" in numbering.format_problem("INV-{seq:q}")
    assert "longer than 40" in numbering.format_problem("X" * 40 + "{seq}")


def test_new_invoices_take_the_next_free_number_and_a_typed_one_wins(app, client, login, demo):
    login("user")
    year = date.today().year
    expected = f"INV-{year}-{5 if year == 2026 else 1:04}"  # the demo's INV-2026-0001..0004 are skipped
    page = client.get("/invoices/new").get_data(as_text=True)
    assert f'placeholder="{expected}"' in page
    form = {"client": "2", "issue_date": date.today().isoformat(), "status": "draft", "payment_term": "0",
            "lines-0-service": "0", "lines-0-description": "Work", "lines-0-quantity": "1", "lines-0-unit_price": "10"}
    assert client.post("/invoices/new", data=form).status_code == 302
    assert client.post("/invoices/new", data={**form, "number": "CUSTOM-1"}).status_code == 302
    with app.app_context():
        numbers = db.session.execute(db.select(Invoice.number).order_by(Invoice.id)).scalars().all()
        created = db.session.execute(db.select(Invoice).filter_by(number=expected)).scalar_one()
        assert created.currency == "USD"  # the client's (AMY), not the company's EUR
    assert numbers[-2:] == [expected, "CUSTOM-1"]


def test_the_format_is_a_company_setting_and_each_year_restarts(app, client, login):
    login("admin")
    bad = client.post("/settings/company", data={"name": "C", "country": "ES", "currency": "EUR",
                                                 "rounding_method": "half_up", "number_format": "F-{year}"})
    assert bad.status_code == 400 and "needs {seq}" in bad.get_data(as_text=True)
    with app.app_context():
        Company.get().number_format = "F{year}/{seq:03}"
        company = Company.get()
        assert numbering.allocate(company, date(2025, 5, 1)) == "F2025/001"
        assert numbering.allocate(company, date(2025, 6, 1)) == "F2025/002"
        assert numbering.allocate(company, date(2026, 1, 1)) == "F2026/001"
        db.session.commit()


def test_concurrent_saves_never_get_the_same_number(app):
    numbers, errors = [], []

    def take():
        try:
            with app.app_context():
                number = numbering.allocate(Company.get(), date(2030, 1, 1))
                db.session.commit()
                numbers.append(number)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    with app.app_context():
        Company.get()
        db.session.commit()
    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == [f"INV-2030-{n:04}" for n in range(1, 9)]
