"""Sign-in lockout (django-axes): 5 failures per email and address, 30 minutes, a clear message, staff unlock."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from accounts.lockout import client_ip
from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "locked@example.com"
HOME_ADDRESS = "198.51.100.7"
OTHER_ADDRESS = "203.0.113.9"


def sign_in(client, password, email=EMAIL, address=HOME_ADDRESS):
    return client.post(
        reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def fail_five_times(client, email=EMAIL):
    for _ in range(5):
        sign_in(client, "wrong-password", email=email)


def test_sixth_attempt_with_the_right_password_is_refused_with_a_clear_message(client):
    UserFactory(email=EMAIL)
    for attempt in range(4):
        response = sign_in(client, "wrong-password")
        assert response.status_code == 200, attempt
        assert "The email or password is not right" in response.content.decode()
    fifth = sign_in(client, "wrong-password")
    assert fifth.status_code == 429

    response = sign_in(client, PASSWORD)
    html = " ".join(response.content.decode().split())
    assert response.status_code == 429
    assert "Too many unsuccessful sign-in attempts" in html
    assert "paused for 30 minutes" in html
    # The message is on the sign-in page itself, at the form, not a bare error page.
    assert '<form method="post"' in html and 'name="password"' in html
    assert "_auth_user_id" not in client.session


def test_the_lockout_ignores_letter_case_in_the_email(client):
    UserFactory(email=EMAIL)
    fail_five_times(client, email=EMAIL.upper())
    assert sign_in(client, PASSWORD).status_code == 429


def test_the_same_person_from_another_address_can_still_sign_in(client):
    user = UserFactory(email=EMAIL)
    fail_five_times(client)
    response = sign_in(client, PASSWORD, address=OTHER_ADDRESS)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_another_person_at_the_same_address_can_still_sign_in(client):
    UserFactory(email=EMAIL)
    other = UserFactory(email="colleague@example.com")
    fail_five_times(client)
    response = sign_in(client, PASSWORD, email=other.email)
    assert response.status_code == 302


def test_the_lockout_ends_after_thirty_minutes(client):
    UserFactory(email=EMAIL)
    fail_five_times(client)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    assert sign_in(client, PASSWORD).status_code == 302


def test_staff_unlock_in_the_admin(client):
    UserFactory(email=EMAIL)
    fail_five_times(client)
    assert sign_in(client, PASSWORD).status_code == 429
    attempt = AccessAttempt.objects.get(username=EMAIL, ip_address=HOME_ADDRESS)

    staff_client = client.__class__()
    staff_client.force_login(StaffFactory())
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert EMAIL in staff_client.get(changelist).content.decode()
    response = staff_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()

    assert sign_in(client, PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client):
    UserFactory(email=EMAIL)
    for _ in range(4):
        sign_in(client, "wrong-password")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "wrong-password")
    assert sign_in(client, PASSWORD).status_code == 302


def test_the_admin_sign_in_is_locked_out_too_with_the_same_message(client):
    StaffFactory(email=EMAIL)
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": EMAIL, "password": "wrong"}, REMOTE_ADDR=HOME_ADDRESS, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        url, {"username": EMAIL, "password": PASSWORD}, REMOTE_ADDR=HOME_ADDRESS, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 429
    assert "Too many unsuccessful sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.1", "10.0.0.1"),  # no proxy: the header is the client's to forge, so it is ignored
        (1, "203.0.113.1", "203.0.113.1"),
        (1, "6.6.6.6, 203.0.113.1", "203.0.113.1"),  # a forged left-hand entry is skipped
        (2, "6.6.6.6, 203.0.113.1, 10.0.0.2", "203.0.113.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_client_address_behind_trusted_proxies(rf, settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_lockout_follows_the_forwarded_address_behind_the_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email=EMAIL)
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(
            url, {"username": EMAIL, "password": "x"}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=HOME_ADDRESS
        )
    locked = client.post(url, {"username": EMAIL, "password": PASSWORD}, HTTP_X_FORWARDED_FOR=HOME_ADDRESS)
    assert locked.status_code == 429
    assert AccessAttempt.objects.get().ip_address == HOME_ADDRESS
    # Another client behind the same proxy is not locked out.
    assert (
        client.post(url, {"username": EMAIL, "password": PASSWORD}, HTTP_X_FORWARDED_FOR=OTHER_ADDRESS).status_code
        == 302
    )
