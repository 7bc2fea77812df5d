"""Provider contexts for plugin unit tests, with no app or database behind them."""
from __future__ import annotations

import threading
from collections import defaultdict
from contextlib import contextmanager

from huey.storage import MemoryStorage

from host.api import CalculationSettings, CompanyData, ProviderContext
from host.throttle import Throttle


class MemorySecretStore:
    """A ``SecretStore`` kept in a dict (tests only: nothing is encrypted)."""

    def __init__(self, values: dict[str, str] | None = None):
        self.values = dict(values or {})

    def get(self, name):
        return self.values.get(name)

    def set(self, name, value):
        if value is None:
            self.values.pop(name, None)
        else:
            self.values[name] = value


def demo_company(**calculation) -> CompanyData:
    settings = {"rounding_method": "half_up", "round_before_sum": False, "apply_taxes_per_line": True}
    settings.update(calculation)
    return CompanyData(
        name="Lingua Demo SL",
        tax_id="ESB12345678",
        country="ES",
        currency="EUR",
        address="Carrer de Mallorca 1, 08008 Barcelona",
        calculation=CalculationSettings(**settings),
    )


def make_context(provider: str, company: CompanyData | None = None, secrets=None, state=None, **kwargs) -> ProviderContext:
    """A ``ProviderContext`` whose secrets, state, locks, limits and attention flag live in memory.

    ``context.attention`` holds the last ``needs_attention`` text.
    """
    locks: dict[str, threading.Lock] = defaultdict(threading.Lock)

    @contextmanager
    def lock(name):
        with locks[name]:
            yield

    context = ProviderContext(
        provider=provider,
        company=company or demo_company(),
        secrets=MemorySecretStore(secrets),
        state=dict(state or {}),
        save_state=lambda: None,
        lock=lock,
        needs_attention=lambda text: setattr(context, "attention", text),
        throttle=kwargs.pop("throttle", None) or Throttle(MemoryStorage("test")),
        callback_url=kwargs.pop("callback_url", f"http://127.0.0.1:5000/integrations/{provider}/callback"),
        webhook_url=kwargs.pop("webhook_url", f"http://127.0.0.1:5000/integrations/{provider}/webhook"),
        **kwargs,
    )
    context.attention = None
    return context
