"""Security headers on every response.

The pages use only the app's own CSS and JS files (no inline script or style),
so the Content-Security-Policy allows nothing else, and no site may frame the
app (clickjacking). There is no ``form-action``: Chrome applies it to the
redirect after a POST, which would block the OAuth "Connect" redirect. HSTS is sent only when the session cookie is Secure, i.e.
when the operator serves the app over HTTPS (``ERP_HOST_SECURE_COOKIES``).
"""
from __future__ import annotations

from flask import Flask, Response, current_app

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
