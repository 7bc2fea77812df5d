"""One HTTP session per provider configuration, reused across hook calls.

A provider client asks for ``http_session("acme", base_url, api_key)``
instead of building a ``requests.Session`` per call: calls with the same
configuration share one session and so its open connections (no new TCP and
TLS handshake per call). Another configuration (a new key, another base URL)
gets a session of its own, so nothing of the old one (headers, cookies,
connections) is reused. Sessions belong to one process: a forked worker
starts afresh.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict

#: Configurations kept per provider; the least recently used one beyond this is dropped.
KEPT_PER_PROVIDER = 4

_lock = threading.Lock()
_sessions: dict[str, OrderedDict] = {}
_owner_pid = os.getpid()


def http_session(provider: str, *configuration) -> "requests.Session":
    """The shared ``requests.Session`` of ``provider`` for ``configuration``
    (the values that change what the session sends, e.g. base URL and API key).

    Safe to use from several threads. Set configuration-wide headers on it once;
    per-request values (a bearer token that rotates) belong in each request.
    """
    global _owner_pid
    import requests  # not at import time: ``import host`` stays light

    fingerprint = hashlib.sha256(repr(configuration).encode()).hexdigest()
    with _lock:
        if os.getpid() != _owner_pid:  # a forked child: the parent's connections are not ours
            _sessions.clear()
            _owner_pid = os.getpid()
        kept = _sessions.setdefault(provider, OrderedDict())
        session = kept.get(fingerprint)
        if session is None:
            session = kept[fingerprint] = requests.Session()
            while len(kept) > KEPT_PER_PROVIDER:
                kept.popitem(last=False)  # in-flight requests keep their reference; the rest is garbage
        kept.move_to_end(fingerprint)
        return session
