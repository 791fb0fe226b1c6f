"""API authentication: bearer tokens for machine clients, the session for the web UI."""

import datetime
import functools
import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from vandong.accounts.models import ApiToken


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        found = _active_token(token_digest(token))
        if found is None:
            return None
        token_id, last_used_at, user = found
        now = timezone.now()
        # Touch at most once a minute: reads stay reads.
        if last_used_at is None or (now - last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        request.user = user  # type: ignore[assignment]
        return user


def _active_token(
    digest: str,
) -> tuple[int, datetime.datetime | None, AbstractBaseUser] | None:
    """The token (id, last use) and its active user, in one statement built
    once per process: every API request asks, and building the ORM's SQL
    each time cost more than the database's answer."""
    sql, names, converters = _token_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [digest])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    # Values as the ORM would give them (SQLite's dates come as text).
    for value, convert in zip(row, converters, strict=True):
        for step in convert:
            value = step(value, None, connection)
        values.append(value)
    user_model = get_user_model()
    user = user_model.from_db(connection.alias, names, values[2:])
    return int(values[0]), values[1], user


@functools.cache
def _token_query(vendor: str) -> tuple[str, list[str], list[list[Any]]]:
    """(SQL, the user's field names, each column's converters) for a
    database of `vendor`: built on the first request, from the models, as
    the ORM would build them. The converters depend only on the backend
    and the settings, not on the connection that asked first."""
    user_model = get_user_model()
    quote = connection.ops.quote_name
    token_columns = [
        ApiToken._meta.get_field("id").get_col("t"),
        ApiToken._meta.get_field("last_used_at").get_col("t"),
    ]
    user_fields = list(user_model._meta.concrete_fields)
    user_columns = [f.get_col("u") for f in user_fields]
    converters = [
        [
            *connection.ops.get_db_converters(col),
            *col.get_db_converters(connection),
        ]
        for col in [*token_columns, *user_columns]
    ]
    selected = ", ".join(
        f"{quote(col.alias)}.{quote(col.target.column)}"
        for col in [*token_columns, *user_columns]
    )
    tokens = quote(ApiToken._meta.db_table)
    users = quote(user_model._meta.db_table)
    pk = quote(user_model._meta.pk.column)
    sql = (
        f"SELECT {selected} FROM {tokens} t JOIN {users} u "  # noqa: S608 - names from the models
        f"ON u.{pk} = t.{quote('user_id')} "
        f"WHERE t.{quote('digest')} = %s AND t.{quote('revoked_at')} IS NULL "
        f"AND u.{quote('is_active')}"
    )
    return sql, [f.attname for f in user_fields], converters


class SessionAuth(NinjaSessionAuth):
    """The logged-in web user; unsafe methods still need the CSRF token."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return super().authenticate(request, key)
