"""A loopback B2BRouter sandbox: ``python -m erp_host_b2brouter.sandbox --port 0``.

Seeded API key ``sandbox-key`` sees accounts 100001 (main) and 100002;
``other-key`` sees only 100003. See :mod:`.app` for the control endpoints.
"""
from erp_host_b2brouter.sandbox.app import create_app
from erp_host_b2brouter.sandbox.store import MAIN_ACCOUNT, OTHER_KEY, SANDBOX_KEY, Store

__all__ = ["MAIN_ACCOUNT", "OTHER_KEY", "SANDBOX_KEY", "Store", "create_app"]
