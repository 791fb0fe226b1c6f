"""The login forms, which also keep the failed-attempt counters.

Failures are counted in the Django cache per username and per client address.
Once either count reaches settings.LOGIN_MAX_FAILURES, further attempts are
refused without checking the password, until settings.LOGIN_LOCKOUT_SECONDS
pass without a counted failure. A successful login clears the username's
count (not the address's: one address guessing many accounts stays blocked).
"""

import hashlib
import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import ngettext

LOCKED_OUT = "locked_out"
_KEY_PREFIX = "accounts:login-failures"


def client_ip(request: HttpRequest | None) -> str:
    """The client's address: REMOTE_ADDR, or, behind N trusted reverse proxies
    (settings.LOGIN_TRUSTED_PROXIES, default 0), the address the outermost
    one saw, taken from X-Forwarded-For (entries further left can be forged)."""
    if request is None:
        return ""
    proxies = int(getattr(settings, "LOGIN_TRUSTED_PROXIES", 0))
    if proxies > 0:
        header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(kind: str, value: str) -> str:
    # Hashed: usernames may hold characters some cache backends refuse in keys.
    return f"{_KEY_PREFIX}:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def _keys(*, username: str, ip: str) -> list[str]:
    keys = []
    if username := username.strip().lower():
        keys.append(_key("user", username))
    if ip:
        keys.append(_key("ip", ip))
    return keys


def login_locked(*, username: str, ip: str) -> bool:
    """Whether attempts for this username or from this address are refused."""
    counts = cache.get_many(_keys(username=username, ip=ip))
    return any(int(count) >= settings.LOGIN_MAX_FAILURES for count in counts.values())


def login_failed(*, username: str, ip: str) -> None:
    """Count one failed attempt against the username and the address."""
    timeout = settings.LOGIN_LOCKOUT_SECONDS
    for key in _keys(username=username, ip=ip):
        cache.add(key, 0, timeout=timeout)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=timeout)
        # The window runs from the last failure, on every cache backend.
        cache.touch(key, timeout=timeout)


def login_succeeded(*, username: str) -> None:
    cache.delete_many(_keys(username=username, ip=""))


def lockout_message() -> str:
    minutes = max(1, math.ceil(settings.LOGIN_LOCKOUT_SECONDS / 60))
    return ngettext(
        "Too many failed login attempts. Try again in %(minutes)d minute.",
        "Too many failed login attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _clean_with_limits(
    form: AuthenticationForm, clean: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    username = str(form.cleaned_data.get("username") or "")
    ip = client_ip(form.request)
    if login_locked(username=username, ip=ip):
        raise ValidationError(lockout_message(), code=LOCKED_OUT)
    try:
        cleaned = clean()
    except ValidationError:
        login_failed(username=username, ip=ip)
        raise
    # A form with a field missing never checks the password: not a success.
    if form.get_user() is not None:
        login_succeeded(username=username)
    return cleaned


class LoginForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        return _clean_with_limits(self, super().clean)


class AdminLoginForm(AdminAuthenticationForm):
    """The admin site's login, under the same counters."""

    def clean(self) -> dict[str, Any]:
        return _clean_with_limits(self, super().clean)
