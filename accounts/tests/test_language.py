"""A person's language is the one they chose; until they choose, the one they were reading in. Signing in never
switches it."""

import pytest
from django.urls import reverse

from accounts.demo import load as load_demo_accounts
from accounts.services import user_language_choose
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, user, **headers):
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}, follow=True, headers=headers
    )
    assert response.wsgi_request.user == user
    return response


@pytest.mark.parametrize("browser", ["en", "lt"])
def test_a_person_who_never_chose_keeps_the_language_they_were_reading_in(client, browser):
    user = UserFactory(language="")
    login_page = client.get(reverse("accounts:login"), headers={"accept-language": browser})
    assert login_page.headers["Content-Language"] == browser
    response = sign_in(client, user, **{"accept-language": browser})
    assert response.headers["Content-Language"] == browser
    user.refresh_from_db()
    assert user.language == ""  # reading is not choosing


def test_a_person_who_chose_reads_in_their_language_from_any_browser(client):
    user = UserFactory(language="en")
    response = sign_in(client, user, **{"accept-language": "lt"})
    assert response.headers["Content-Language"] == "en"


def test_a_choice_on_the_sign_in_page_is_kept_after_sign_in_and_becomes_theirs(client):
    """The stored language ("lt", say a default someone set) does not replace what the person just chose."""
    user = UserFactory(language="lt")
    client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert client.get(reverse("accounts:login")).headers["Content-Language"] == "en"
    response = sign_in(client, user)
    assert response.headers["Content-Language"] == "en"
    user.refresh_from_db()
    assert user.language == "en"
    # Kept: the next sign-in, in another browser, is in English too.
    client.logout()
    client.cookies.clear()
    assert sign_in(client, user, **{"accept-language": "lt"}).headers["Content-Language"] == "en"


def test_a_switch_before_sign_in_is_not_given_to_someone_else_later(client):
    """The pending choice lives in the anonymous session, which signing out ends."""
    first, second = UserFactory(language=""), UserFactory(language="")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    sign_in(client, first)
    client.logout()
    sign_in(client, second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.language, second.language) == ("en", "")


def test_switching_while_signed_in_is_stored_at_once(client):
    user = UserFactory(language="")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_the_service_refuses_a_language_the_site_does_not_offer():
    user = UserFactory(language="")
    with pytest.raises(ValueError):
        user_language_choose(user=user, language="de")
    user_language_choose(user=user, language="lt")
    user.refresh_from_db()
    assert user.language == "lt"


def test_demo_people_have_not_chosen_a_language():
    """Someone trying the demo in English stays in English after signing in as the Lithuanian manager."""
    people = load_demo_accounts()
    assert {person.language for person in people.values()} == {""}
