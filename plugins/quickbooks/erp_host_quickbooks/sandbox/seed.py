"""The sandbox's fixed demo company: a US company with customers (some with
apostrophes, quotes and backslashes in their names), services, terms, US tax
codes and rates, and a few invoices. Shapes follow Intuit's documented samples.

The host demo's US clients, services, terms and the "Sales tax 8%" tax exist
here under the same names; "Nordlicht Media" and "Project management" do not,
so the demo shows the list of what is missing.
"""
REALM_ID = "9130357766900456"
CLIENT_ID = "sandbox-client-id"
CLIENT_SECRET = "sandbox-client-secret"

META = {"CreateTime": "2025-01-02T09:00:00-08:00", "LastUpdatedTime": "2025-01-02T09:00:00-08:00"}

COMPANY_INFO = {
    "CompanyName": "Sandbox Company_US_1",
    "LegalName": "Sandbox Company_US_1",
    "Country": "US",
    "CompanyAddr": {"City": "Mountain View", "Country": "US", "Line1": "2500 Garcia Ave",
                    "PostalCode": "94043", "CountrySubDivisionCode": "CA", "Id": "1"},
    "SupportedLanguages": "en",
    "FiscalYearStartMonth": "January",
    "Email": {"Address": "noreply@example.test"},
    "NameValue": [{"Name": "SubscriptionStatus", "Value": "PAID"},
                  {"Name": "OfferingSku", "Value": "QuickBooks Online Plus"}],
    "domain": "QBO", "sparse": False, "Id": "1", "SyncToken": "1", "MetaData": META,
}

PREFERENCES = {
    "SalesFormsPrefs": {"CustomTxnNumbers": True, "AllowDiscount": True, "AllowServiceDate": False,
                        "DefaultTerms": {"value": "3"}},
    "TaxPrefs": {"UsingSalesTax": True, "PartnerTaxEnabled": False, "TaxGroupCodeRef": {"value": "2"}},
    "CurrencyPrefs": {"HomeCurrency": {"value": "USD"}, "MultiCurrencyEnabled": False},
    "domain": "QBO", "sparse": False, "Id": "1", "SyncToken": "1", "MetaData": META,
}


def _customer(id_, name, active=True, email=None):
    row = {"Id": id_, "DisplayName": name, "FullyQualifiedName": name, "CompanyName": name,
           "PrintOnCheckName": name, "Active": active, "Job": False, "BillWithParent": False,
           "Taxable": True, "Balance": 0, "BalanceWithJobs": 0, "PreferredDeliveryMethod": "Print",
           "CurrencyRef": {"value": "USD", "name": "United States Dollar"},
           "domain": "QBO", "sparse": False, "SyncToken": "0", "MetaData": META}
    if email:
        row["PrimaryEmailAddr"] = {"Address": email}
    return row


CUSTOMERS = [
    _customer("1", "Amy's Bird Sanctuary", email="birds@example.test"),
    _customer("2", "Bill's Windsurf Shop", email="surf@example.test"),
    _customer("3", "Cool Cars"),
    _customer("4", 'The "Corner" Café'),
    _customer("5", "Back\\Slash Books"),
    _customer("6", "Weiskopf Consulting"),
    _customer("7", "Old Mill Supply", active=False),
]


def _item(id_, name, type_="Service", price=0, active=True, parent=None):
    row = {"Id": id_, "Name": name, "FullyQualifiedName": f"{parent[1]}:{name}" if parent else name,
           "Type": type_, "Active": active, "UnitPrice": price, "Taxable": True, "TrackQtyOnHand": False,
           "domain": "QBO", "sparse": False, "SyncToken": "0", "MetaData": META}
    if type_ != "Category":
        row["IncomeAccountRef"] = {"value": "1", "name": "Services"}
    if parent:
        row.update({"SubItem": True, "ParentRef": {"value": parent[0], "name": parent[1]}})
    return row


ITEMS = [
    _item("1", "Services", price=100),
    _item("2", "Hours", price=50),
    _item("3", "Concrete"),
    _item("4", "Design", price=75),
    _item("5", "Consulting", price=120),
    _item("6", "Landscaping", type_="Category"),
    _item("7", "Gardening", price=40, parent=("6", "Landscaping")),
    _item("8", "Retired Service", active=False),
    _item("9", "Translation", price=0.12),
    _item("10", "Proofreading", price=0.05),
]


def _term(id_, name, days):
    return {"Id": id_, "Name": name, "Type": "STANDARD", "DueDays": days, "DiscountPercent": 0, "DiscountDays": 0,
            "Active": True, "domain": "QBO", "sparse": False, "SyncToken": "0", "MetaData": META}


TERMS = [_term("1", "Due on receipt", 0), _term("2", "Net 15", 15), _term("3", "Net 30", 30),
         _term("4", "Net 60", 60), _term("5", "Net 10", 10)]


def _rate(id_, name, value, agency="1"):
    return {"Id": id_, "Name": name, "RateValue": value, "AgencyRef": {"value": agency}, "SpecialTaxType": "NONE",
            "DisplayType": "ReadOnly", "Active": True, "Description": "Sales Tax",
            "domain": "QBO", "sparse": False, "SyncToken": "0", "MetaData": META}


TAX_RATES = [_rate("1", "AZ State tax", 7.1), _rate("2", "Tucson City", 2), _rate("3", "California", 8, "2"),
             _rate("4", "Sales tax 8%", 8, "2")]


def _group(id_, name, rates):
    return {"Id": id_, "Name": name, "Description": name, "TaxGroup": True, "Taxable": True, "Active": True,
            "SalesTaxRateList": {"TaxRateDetail": [
                {"TaxRateRef": {"value": r[0], "name": r[1]}, "TaxTypeApplicable": "TaxOnAmount", "TaxOrder": 0}
                for r in rates]},
            "PurchaseTaxRateList": {"TaxRateDetail": []},
            "domain": "QBO", "sparse": False, "SyncToken": "0", "MetaData": META}


TAX_CODES = [
    {"Id": "TAX", "Name": "TAX", "Description": "TAX", "TaxGroup": False, "Taxable": True, "MetaData": META},
    {"Id": "NON", "Name": "NON", "Description": "NON", "TaxGroup": False, "Taxable": False, "MetaData": META},
    _group("2", "California", [("3", "California")]),
    _group("3", "Tucson", [("1", "AZ State tax"), ("2", "Tucson City")]),
    _group("4", "Sales tax 8%", [("4", "Sales tax 8%")]),  # the host demo's US tax
]

# Invoice create bodies, replayed through the sandbox's own create logic.
INVOICES = [
    {"CustomerRef": {"value": "1"}, "DocNumber": "1001", "TxnDate": "2025-01-15", "SalesTermRef": {"value": "3"},
     "Line": [{"DetailType": "SalesItemLineDetail", "Amount": 200,
               "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "Qty": 2, "UnitPrice": 100,
                                       "TaxCodeRef": {"value": "NON"}}}]},
    {"CustomerRef": {"value": "1"}, "DocNumber": "1002", "TxnDate": "2025-02-10", "SalesTermRef": {"value": "3"},
     "TxnTaxDetail": {"TxnTaxCodeRef": {"value": "2"}},
     "Line": [{"DetailType": "SalesItemLineDetail", "Amount": 150,
               "SalesItemLineDetail": {"ItemRef": {"value": "2"}, "Qty": 3, "UnitPrice": 50,
                                       "TaxCodeRef": {"value": "TAX"}}}]},
    {"CustomerRef": {"value": "1"}, "DocNumber": "1003", "TxnDate": "2025-03-05",
     "Line": [{"DetailType": "SalesItemLineDetail", "Amount": 75,
               "SalesItemLineDetail": {"ItemRef": {"value": "4"}, "Qty": 1, "UnitPrice": 75,
                                       "TaxCodeRef": {"value": "NON"}}}]},
    {"CustomerRef": {"value": "2"}, "DocNumber": "1004", "TxnDate": "2025-03-06",
     "Line": [{"DetailType": "SalesItemLineDetail", "Amount": 120,
               "SalesItemLineDetail": {"ItemRef": {"value": "5"}, "Qty": 1, "UnitPrice": 120,
                                       "TaxCodeRef": {"value": "NON"}}}]},
]
PAID_INVOICES = {"1001"}  # DocNumbers whose balance the seed pays in full
