"""Demo data: a translation agency with EU and US clients.

The US clients, services and terms carry the names the QuickBooks sandbox
seeds, so the demo can create QuickBooks invoices; "Nordlicht Media" has no
QuickBooks customer, to show the list of what is missing.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from host.extensions import db
from host.models import BankAccount, Client, Company, Invoice, InvoiceLine, PaymentTerm, Service, Tax, User

DEMO_USERS = {"admin": ("admin-demo-pass", "admin"), "clerk": ("clerk-demo-pass", "user")}

CLIENTS = [
    dict(code="ACME-DE", name="Acme Übersetzungen GmbH", email="billing@acme.example", tax_id="DE123456789",
         tax_scheme="VAT", country="DE", address="Hauptstraße 5", city="Berlin", postal_code="10115", currency="EUR"),
    dict(code="AMY", name="Amy's Bird Sanctuary", email="birds@intuit.example", tax_id="US-94-1234567",
         tax_scheme="EIN", country="US", address="4581 Finch St.", city="Bayshore", postal_code="94326", currency="USD"),
    dict(code="WEISKOPF", name="Weiskopf Consulting", email="nicola@weiskopf.example", tax_id="US-94-7654321",
         tax_scheme="EIN", country="US", address="45612 Main St.", city="Bayshore", postal_code="94326", currency="USD"),
    dict(code="NORDLICHT", name="Nordlicht Media", email="ap@nordlicht.example", tax_id="SE556677889901",
         tax_scheme="VAT", country="SE", address="Drottninggatan 1", city="Stockholm", postal_code="11151", currency="USD"),
    dict(code="NOTAX", name="Freelance Collective", email="hello@collective.example", tax_id="",
         tax_scheme="", country="ES", address="Carrer Gran 3", city="Girona", postal_code="17001", currency="EUR"),
]
SERVICES = [("Translation", "0.12"), ("Proofreading", "0.05"), ("Design", "75.00"), ("Project management", "45.00")]
TAXES = [("IVA 21%", "21", "S"), ("VAT 19%", "19", "S"), ("Reverse charge", "0", "AE"), ("Sales tax 8%", "8", "S"), ("Exempt", "0", "E")]
TERMS = [("Net 30", 30, "58"), ("Net 15", 15, "58"), ("Due on receipt", 0, "")]  # name, days, payment means
BANK_ACCOUNT = dict(name="Main account", iban="ES9121000418450200051332", bic="CAIXESBBXXX", is_default=True)


def _get_or_add(model, lookup: dict, **values):
    row = db.session.execute(db.select(model).filter_by(**lookup)).scalar_one_or_none()
    if row is None:
        row = model(**lookup, **values)
        db.session.add(row)
    return row


def load_demo(today: date | None = None) -> None:
    """Add the demo records that are missing; safe to run twice."""
    today = today or date.today()
    company = Company.get()
    company.name = "Lingua Demo Translations SL"
    company.address = "Carrer de Mallorca 1, 08008 Barcelona"
    company.tax_id = "ESB12345678"
    company.country = "ES"
    company.currency = "EUR"
    for username, (password, role) in DEMO_USERS.items():
        user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()
        if user is None:
            user = User(username=username, role=role)
            user.set_password(password)
            db.session.add(user)
    clients = {c["code"]: _get_or_add(Client, {"code": c["code"]}, **{k: v for k, v in c.items() if k != "code"}) for c in CLIENTS}
    services = {n: _get_or_add(Service, {"name": n}, unit_price=Decimal(p)) for n, p in SERVICES}
    taxes = {n: _get_or_add(Tax, {"name": n}, percent=Decimal(p), category=c) for n, p, c in TAXES}
    terms = {n: _get_or_add(PaymentTerm, {"name": n}, days=d, payment_means=m) for n, d, m in TERMS}
    _get_or_add(BankAccount, {"iban": BANK_ACCOUNT["iban"]}, **{k: v for k, v in BANK_ACCOUNT.items() if k != "iban"})
    db.session.flush()

    def invoice(number, client, currency, term, lines, days_ago=0):
        if db.session.execute(db.select(Invoice).filter_by(number=number)).scalar_one_or_none():
            return
        issued = today - timedelta(days=days_ago)
        row = Invoice(number=number, client=clients[client], currency=currency, status="issued",
                      issue_date=issued, due_date=issued + timedelta(days=terms[term].days),
                      payment_term=terms[term])
        for position, (service, description, qty, price, tax_names) in enumerate(lines):
            row.lines.append(InvoiceLine(position=position, service=services[service], description=description,
                                         quantity=Decimal(qty), unit_price=Decimal(price),
                                         taxes=[taxes[t] for t in tax_names]))
        row.taxes = [taxes[t] for t in lines[0][4]]
        db.session.add(row)

    invoice("INV-2026-0001", "ACME-DE", "EUR", "Net 30", [
        ("Translation", "User manual EN>DE, 12,480 words", "12480", "0.12", ["VAT 19%"]),
        ("Proofreading", "Second pass", "12480", "0.05", ["VAT 19%"]),
    ], days_ago=12)
    invoice("INV-2026-0002", "AMY", "USD", "Net 30", [
        ("Translation", "Website EN>ES", "5200", "0.12", ["Sales tax 8%"]),
        ("Design", "DTP of brochure", "3", "75.00", ["Sales tax 8%"]),
    ], days_ago=7)
    invoice("INV-2026-0003", "NORDLICHT", "USD", "Net 15", [
        ("Project management", "Localisation kick-off", "4", "45.00", ["Exempt"]),
    ], days_ago=3)
    invoice("INV-2026-0004", "NOTAX", "EUR", "Due on receipt", [
        ("Translation", "Certificates ES>EN", "900", "0.12", []),
    ], days_ago=1)
    db.session.commit()
