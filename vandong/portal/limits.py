"""Rate limits of the public forms, counted in the Django cache (shared by
every server process, like the login limiter and the petitions tracking
limiter): per client address and for everyone together, in fixed windows.

A request refused for its address is not counted in the global window, so
one client hammering the form cannot lock everyone else out.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from vandong.accounts.forms import client_ip


@dataclass(frozen=True)
class Limit:
    name: str
    per_ip: int
    total: int
    window: int  # seconds


# Defaults; settings PORTAL_LIMITS = {"submit": (per_ip, total, window), ...}
# override them.
DEFAULTS: dict[str, tuple[int, int, int]] = {
    # Petitions sent: 5 an hour from one address, 300 an hour from all.
    "submit": (5, 300, 3600),
    # Tracking look-ups: 30 a minute from one address, 1,200 a minute from all.
    "track": (30, 1200, 60),
}


def limit(name: str) -> Limit:
    configured = getattr(settings, "PORTAL_LIMITS", {}) or {}
    per_ip, total, window = configured.get(name, DEFAULTS[name])
    return Limit(name, int(per_ip), int(total), int(window))


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def client_key(request: HttpRequest) -> str:
    ip = client_ip(request) or "unknown"
    return hashlib.sha256(ip.encode()).hexdigest()


def over(request: HttpRequest, name: str) -> bool:
    """Count this request; True when it is over its address's or everyone's
    limit."""
    rule = limit(name)
    if _count(f"portal:limit:{name}:ip:{client_key(request)}", rule.window) > (
        rule.per_ip
    ):
        return True
    return _count(f"portal:limit:{name}:all", rule.window) > rule.total
