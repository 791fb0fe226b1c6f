import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from conftest import PASSWORD
from vandong.accounts.forms import client_ip

LOGIN = "/accounts/login/"
LOCKED_EN = "Too many failed login attempts. Try again in 15 minutes."


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCKOUT_SECONDS = 900
    cache.clear()
    yield
    cache.clear()


def english(ip="10.0.0.1"):
    return Client(headers={"accept-language": "en"}, REMOTE_ADDR=ip)


def post(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_page_has_the_form(world):
    # when
    response = english().get(LOGIN)
    # then
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/login.html"
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert '<button type="submit"' in html


def test_login_with_right_password_logs_in(world):
    # given
    client = english()
    # when
    response = post(client, "xa", PASSWORD)
    # then
    assert response.status_code == 302
    assert response.url == reverse("geo:browse")
    assert client.session["_auth_user_id"] == str(world.xa.pk)


def test_login_follows_safe_next_only(world):
    # when
    inside = english().post(
        LOGIN + "?next=/units/search/", {"username": "xa", "password": PASSWORD}
    )
    outside = english().post(
        LOGIN + "?next=https://evil.example/", {"username": "xa", "password": PASSWORD}
    )
    # then
    assert inside.url == "/units/search/"
    assert outside.url == reverse("geo:browse")


def test_login_with_wrong_password_shows_form_again(world):
    # when
    response = post(english(), "xa", "sai-mat-khau")
    # then
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in response.client.session


def test_lockout_after_failures_refuses_even_the_right_password(world):
    # given
    client = english()
    for _ in range(3):
        assert post(client, "xa", "sai-mat-khau").status_code == 200
    # when
    response = post(client, "xa", PASSWORD)
    # then
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert LOCKED_EN in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_of_username_holds_from_any_address(world):
    # given
    for _ in range(3):
        post(english("10.0.0.1"), "XA ", "sai-mat-khau")
    # when
    response = post(english("10.0.0.2"), "xa", PASSWORD)
    other_user = post(english("10.0.0.2"), "thon", PASSWORD)
    # then
    assert response.status_code == 429
    assert other_user.status_code == 302


def test_lockout_of_address_holds_for_any_username(world):
    # given
    for username in ("tinh", "thon", "khong-co"):
        post(english("10.0.0.9"), username, "sai-mat-khau")
    # when
    response = post(english("10.0.0.9"), "xa", PASSWORD)
    elsewhere = post(english("10.0.0.10"), "xa", PASSWORD)
    # then
    assert response.status_code == 429
    assert elsewhere.status_code == 302


def test_successful_login_clears_the_username_counter(world):
    # given
    for _ in range(2):
        post(english("10.0.0.1"), "xa", "sai-mat-khau")
    assert post(english("10.0.0.2"), "xa", PASSWORD).status_code == 302
    # when
    for _ in range(2):
        post(english("10.0.0.3"), "xa", "sai-mat-khau")
    response = post(english("10.0.0.4"), "xa", PASSWORD)
    # then
    assert response.status_code == 302


def test_lockout_ends_after_the_window(world, settings):
    # given
    settings.LOGIN_LOCKOUT_SECONDS = 900
    for _ in range(3):
        post(english(), "xa", "sai-mat-khau")
    assert post(english(), "xa", PASSWORD).status_code == 429
    # when
    cache.clear()  # what the cache does once the timeout passes
    response = post(english(), "xa", PASSWORD)
    # then
    assert response.status_code == 302


def test_lockout_message_is_translated_to_vietnamese(world):
    # given
    client = Client(headers={"accept-language": "vi"})
    for _ in range(3):
        post(client, "xa", "sai-mat-khau")
    # when
    response = post(client, "xa", PASSWORD)
    # then
    assert response.status_code == 429
    assert response.headers["Content-Language"] == "vi"


def test_submission_without_password_does_not_clear_the_counter(world):
    # given
    for _ in range(2):
        post(english(), "xa", "sai-mat-khau")
    post(english("10.0.0.7"), "xa", "")
    # when
    post(english("10.0.0.8"), "xa", "sai-mat-khau")
    response = post(english("10.0.0.5"), "xa", PASSWORD)
    # then
    assert response.status_code == 429


def test_admin_login_counts_failures_too(world):
    # given
    world.admin.is_staff = True
    world.admin.is_superuser = True
    world.admin.save()
    client = english()
    for _ in range(3):
        client.post("/admin/login/", {"username": "admin", "password": "sai"})
    # when
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    # then
    assert LOCKED_EN in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(world):
    # given
    client = english()
    client.force_login(world.xa)
    # when
    refused = client.get("/accounts/logout/")
    response = client.post("/accounts/logout/")
    # then
    assert refused.status_code == 405
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_client_ip_trusts_forwarded_header_only_behind_proxies(settings):
    # given
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    # when
    settings.LOGIN_TRUSTED_PROXIES = 0
    direct = client_ip(request)
    settings.LOGIN_TRUSTED_PROXIES = 1
    proxied = client_ip(request)
    # then
    assert direct == "10.0.0.1"
    assert proxied == "203.0.113.7"
