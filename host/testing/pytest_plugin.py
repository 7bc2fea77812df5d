"""pytest fixtures for erp-host and its plugins (filled in by host.testing)."""
