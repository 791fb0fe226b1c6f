from django.conf import settings as django_settings
from django.test import Client

from conftest import PASSWORD

LOGIN = "/accounts/login/"


def test_pages_send_security_headers(world):
    # when
    response = Client().get(LOGIN)
    # then
    assert response.status_code == 200
    assert (
        response["Content-Security-Policy"] == django_settings.CONTENT_SECURITY_POLICY
    )
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_login_post_without_csrf_token_is_refused(world):
    # given
    client = Client(enforce_csrf_checks=True)
    # when
    response = client.post(LOGIN, {"username": "xa", "password": PASSWORD})
    # then
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_login_post_with_csrf_token_is_accepted(world):
    # given
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    token = client.cookies["csrftoken"].value
    # when
    response = client.post(
        LOGIN, {"username": "xa", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    # then
    assert response.status_code == 302


def test_hsts_sent_over_https_when_configured(world, settings):
    # given
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # when
    secure = Client().get(LOGIN, secure=True)
    plain = Client().get(LOGIN)
    # then
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in plain


def test_no_hsts_when_not_configured(world, settings):
    settings.SECURE_HSTS_SECONDS = 0
    response = Client().get(LOGIN, secure=True)
    assert "Strict-Transport-Security" not in response


def test_session_cookie_is_http_only_and_same_site(world):
    # when
    response = Client().post(LOGIN, {"username": "xa", "password": PASSWORD})
    # then
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_login_rotates_the_session_key(world):
    # given
    client = Client()
    client.get(LOGIN)
    session = client.session
    session["seen"] = True
    session.save()
    before = session.session_key
    # when
    client.post(LOGIN, {"username": "xa", "password": PASSWORD})
    # then
    assert client.session.session_key != before
