"""Column types and defaults shared by the host's tables."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Numeric

Money = Numeric(16, 4)
Percent = Numeric(7, 4)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
