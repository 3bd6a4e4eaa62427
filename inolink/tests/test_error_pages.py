"""The error pages are real pages of the site: 404 and 403 in the layout, 500 static and safe to render anywhere."""

import pytest
from django.core.exceptions import PermissionDenied
from django.template import loader
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

from accounts.tests.factories import UserFactory


@pytest.mark.django_db
def test_not_found_is_a_page_in_the_layout(client):
    client.force_login(UserFactory())
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert [t.name for t in response.templates][:2] == ["404.html", "base.html"]
    page = response.content.decode()
    assert "<h1" in page and "Page not found" in page and 'id="main"' in page


@pytest.mark.django_db
def test_forbidden_is_a_page_in_the_layout(rf):
    request = rf.get("/somewhere/")
    request.user = UserFactory()
    with translation.override("en"):
        response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


def test_server_error_renders_without_a_request_or_a_database():
    with translation.override("en"):
        page = loader.get_template("500.html").render()
        response = defaults.server_error(RequestFactory().get("/"))
    assert "Something went wrong on our side" in page
    assert response.status_code == 500 and b"Something went wrong" in response.content
    assert "<script" not in page and "style=" not in page
