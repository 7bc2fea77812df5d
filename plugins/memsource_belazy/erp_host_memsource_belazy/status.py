"""Where the BeLazy integration stands, kept in ``context.state``.

``state["status"]`` is the label the Integrations page shows;
``state["status_detail"]`` says who changed it and when. Both are plain text.
"""
from __future__ import annotations

from datetime import datetime, timezone

from host import Message, ProviderContext, Result

REQUESTED = "Requested from BeLazy"
ACTIVE = "Active via BeLazy"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _shown(at: str) -> str:
    """``2026-11-26 17:33 UTC`` for people; the state keeps the ISO time."""
    return datetime.fromisoformat(at).strftime("%Y-%m-%d %H:%M UTC")


def _who(context: ProviderContext) -> str:
    return context.user or "an unknown user"


def record_request(context: ProviderContext) -> Result:
    """Enable: remember that the admin asked BeLazy (kept as is once active)."""
    state = context.state
    if state.get("status") == ACTIVE:
        return Result(ok=True, messages=(Message("info", f"Already {ACTIVE}: {state['status_detail']}."),))
    by, at = _who(context), _now()
    state.update(status=REQUESTED, requested_by=by, requested_at=at, status_detail=f"requested by {by} on {_shown(at)}")
    context.save_state()
    return Result(
        ok=True,
        messages=(
            Message(
                "success",
                f"Status: {REQUESTED} (by {by} on {_shown(at)}).",
                ("When BeLazy confirms the connection, press \"Mark active via BeLazy\".",),
            ),
        ),
    )


def mark_active(context: ProviderContext) -> Result:
    """The admin reports that BeLazy has set the connection up."""
    by, at = _who(context), _now()
    context.state.update(status=ACTIVE, activated_by=by, activated_at=at, status_detail=f"marked active by {by} on {_shown(at)}")
    context.save_state()
    return Result.success(f"Status: {ACTIVE} (marked by {by} on {_shown(at)}).")


def record_check(context: ProviderContext, ok: bool, text: str) -> None:
    """Keep the last connection check so the status can show it."""
    context.state["last_check"] = {"at": _now(), "ok": ok, "text": text}
    context.save_state()
