"""Stable loopback ports for ``erp-host demo``'s sandboxes, one per provider key.

Links the demo stores open the sandbox's URL, so a key must keep its port
across restarts whatever other providers are installed. The port is derived
from the key alone and recorded in ``<instance>/sandboxes/ports.json`` the
first time; only a newcomer whose derived port is already recorded for
another key moves, to the next free port. Edit the file to choose ports.
"""
from __future__ import annotations

import zlib
from pathlib import Path

from host.testing.sandbox import DataFile

PORTS = range(8100, 8900)


def derived_port(key: str) -> int:
    """The key's own port in :data:`PORTS`."""
    return PORTS.start + zlib.crc32(key.encode()) % len(PORTS)


def assign_ports(keys, ports_file: Path) -> dict[str, int]:
    """``{key: port}`` for ``keys``: recorded ports first, new keys recorded."""
    data_file = DataFile(ports_file)
    recorded: dict[str, int] = data_file.load() or {}
    taken = set(recorded.values())
    new_keys = sorted(set(keys) - set(recorded))
    for key in new_keys:
        port = derived_port(key)
        while port in taken:
            port = PORTS.start + (port + 1 - PORTS.start) % len(PORTS)
        recorded[key] = port
        taken.add(port)
    if new_keys:
        data_file.save(recorded)
    return {key: recorded[key] for key in keys}
