"""The test kit for provider plugins.

- :func:`make_context`: a ``ProviderContext`` held in memory.
- :func:`sample_invoice`: an ``InvoiceData`` with totals computed by the host.
- ``host.testing.contract.ProviderContract``: the contract suite to subclass.
- ``host.testing.sandbox``: the toolkit for a provider's loopback sandbox
  (serving, traffic limits and counters, data file, command line, demo entry point).
- Fixtures (``make_host_app``, ``live_host``, ``browser_page``) load
  automatically from ``host.testing.pytest_plugin``.
"""
from host.testing.context import demo_company, make_context
from host.testing.invoices import sample_invoice, sample_line

__all__ = ["demo_company", "make_context", "sample_invoice", "sample_line"]
