"""A loopback QuickBooks Online sandbox: OAuth, the Accounting API subset the
plugin uses, a fake web app, and knobs for latency and failures.

Run it with ``python -m erp_host_quickbooks.sandbox --port 8765``; start it
in-process with :func:`erp_host_quickbooks.sandbox.testing.start_sandbox`; ``erp-host demo``
uses :func:`erp_host_quickbooks.sandbox.testing.start`.
"""
from erp_host_quickbooks.sandbox.app import create_app
from erp_host_quickbooks.sandbox.seed import CLIENT_ID, CLIENT_SECRET, REALM_ID
from erp_host_quickbooks.sandbox.store import SandboxStore

__all__ = ["CLIENT_ID", "CLIENT_SECRET", "REALM_ID", "SandboxStore", "create_app"]
