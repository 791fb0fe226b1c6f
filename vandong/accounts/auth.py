"""API authentication: bearer tokens for machine clients, the session for the web UI."""

import hashlib
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from vandong.accounts.models import ApiToken


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), revoked_at__isnull=True)
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        # Touch at most once a minute: reads stay reads.
        if (
            found.last_used_at is None
            or (now - found.last_used_at).total_seconds() > 60
        ):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionAuth(NinjaSessionAuth):
    """The logged-in web user; unsafe methods still need the CSRF token."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return super().authenticate(request, key)
