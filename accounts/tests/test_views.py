import re

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from clusters.tests.factories import ClusterFactory
from consultations.tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db


def test_login_page_has_labelled_email_and_password(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
    html = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert re.search(r'<label for="id_username"[^>]*> Email', html)
    assert re.search(r'<label for="id_password"[^>]*> Password', html)
    assert "vendor/bootstrap/css/bootstrap.min.css" in html


def test_login_with_email_then_home_sends_manager_to_their_dashboard(client):
    user = UserFactory(email="Ieva@Example.com")
    ClusterFactory(managers=[user])
    response = client.post(
        reverse("accounts:login"), {"username": "ieva@example.com", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("consultations:dashboard")


def test_wrong_password_gives_a_clear_message(client):
    UserFactory(email="someone@example.com")
    response = client.post(reverse("accounts:login"), {"username": "someone@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "Neteisingas el. paštas arba slaptažodis" in response.content.decode()
    response = client.post(
        reverse("accounts:login"), {"username": "someone@example.com", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "The email or password is not right" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "target"),
    [("expert", "consultations:my-sessions"), ("staff", "reports:dashboard")],
)
def test_home_sends_each_role_to_its_start_page(client, role, target):
    user = StaffFactory() if role == "staff" else ExpertFactory().user
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(target)
    assert client.get(response.url).status_code == 200


def test_user_without_role_is_told_so(client):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "does not have a role" in response.content.decode()


def test_anonymous_home_goes_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_non_staff_are_kept_out_of_the_admin(client):
    user = UserFactory()
    ClusterFactory(managers=[user])
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "login" in response.url
    assert client.get(reverse("admin:clusters_cluster_changelist")).status_code == 302


def test_navigation_shows_each_role_its_links(client):
    user = ExpertFactory().user
    client.force_login(user)
    html = client.get(reverse("consultations:my-sessions")).content.decode()
    assert reverse("consultations:my-sessions") in html
    assert reverse("admin:index") not in html


def test_password_reset_sends_a_link(client, mailoutbox):
    UserFactory(email="reset@example.com")
    form = client.get(reverse("accounts:password-reset"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "We will send a link" in form and "Send the link" in form and reverse("accounts:login") in form
    response = client.post(reverse("accounts:password-reset"), {"email": "reset@example.com"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:password-reset-done")
    assert reverse("accounts:login") in response.content.decode()
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_password_change_page_opens(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:password-change")).status_code == 200


def test_user_language_is_used_after_sign_in(client):
    user = UserFactory(language="en")
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.headers["Content-Language"] == "en"
    assert "does not have a role" in response.content.decode()


def test_anonymous_pages_default_to_lithuanian(client):
    response = client.get(reverse("accounts:login"))
    assert response.headers["Content-Language"] == "lt"


def test_language_switch_is_kept_as_the_users_preference(client):
    user = UserFactory(language="en")
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "lt", "next": "/accounts/password/change/"})
    assert response.status_code == 302 and response.url == "/accounts/password/change/"
    user.refresh_from_db()
    assert user.language == "lt"
    assert client.get(reverse("accounts:password-change")).headers["Content-Language"] == "lt"


@pytest.mark.parametrize("code", ["xx", "", "de", "../../etc", "lt-XX" * 50])
def test_unknown_language_code_falls_back_to_the_default(client, code):
    response = client.post(reverse("set_language"), {"language": code, "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.url == "/"
    assert response.cookies["django_language"].value == "lt"


@pytest.mark.parametrize("next_url", ["NaN", "home"])
def test_a_next_value_without_a_slash_is_a_relative_address_not_a_url_name(client, next_url):
    """redirect() reads a word without "/" or "." as a URL name: "NaN" raised NoReverseMatch (500)."""
    response = client.post(reverse("set_language"), {"language": "en", "next": next_url})
    assert response.status_code == 302 and response.url == next_url


@pytest.mark.parametrize("next_url", ["NaN", "reports"])
def test_the_cluster_switch_and_second_factor_take_a_next_value_as_an_address(client, next_url):
    manager = UserFactory()
    cluster = ClusterFactory(managers=[manager])
    client.force_login(manager)
    response = client.post(reverse("clusters:cluster-switch"), {"cluster": cluster.pk, "next": next_url})
    assert response.status_code == 302 and response.url == next_url
    response = client.get(reverse("accounts:second-factor"), {"next": next_url})
    assert response.status_code == 302 and response.url == next_url


def test_the_admin_sign_in_with_a_very_long_address_is_refused_not_a_500(client):
    """The admin's sign-in field checks no length; SQLite refused the case-insensitive LIKE of 10^6 characters."""
    staff = StaffFactory()
    response = client.post(reverse("admin:login"), {"username": "x" * 10**6, "password": PASSWORD})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(reverse("admin:login"), {"username": staff.email.upper(), "password": PASSWORD})
    assert response.status_code == 302  # the address is still matched whatever its case


def test_anonymous_language_switch_uses_a_cookie(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert client.get(reverse("accounts:login")).headers["Content-Language"] == "en"
