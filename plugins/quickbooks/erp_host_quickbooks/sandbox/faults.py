"""A QuickBooks ``Fault`` answer and the clock QuickBooks stamps it with."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone


class Fault(Exception):
    """A QuickBooks ``Fault`` answer."""

    def __init__(self, status, code, message, detail="", fault_type="ValidationFault", element=""):
        super().__init__(f"{code} {message}")
        self.status, self.code, self.message, self.detail = status, code, message, detail
        self.fault_type, self.element = fault_type, element

    def body(self) -> dict:
        error = {"Message": self.message, "Detail": self.detail, "code": self.code, "element": self.element}
        return {"Fault": {"Error": [error], "type": self.fault_type}, "time": now_iso()}


def now_iso() -> str:
    return datetime.now(timezone(timedelta(hours=-8))).isoformat(timespec="milliseconds")
