"""Every HTML page carries a Content-Security-Policy that forbids inline scripts, and our pages need none."""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from agreements.tests.factories import ActiveAgreementFactory
from clusters.tests.factories import ClusterFactory

pytestmark = pytest.mark.django_db

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def policy(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    return {
        name: values.split()
        for name, _, values in (
            directive.strip().partition(" ") for directive in header.split(";") if directive.strip()
        )
    }


def inline_script_problems(html):
    problems = []
    for attributes, body in SCRIPT_TAG.findall(html):
        is_data = re.search(r'type="application/(ld\+)?json"', attributes)
        if "src=" not in attributes and not is_data:
            problems.append(f"inline <script{attributes}>")
        elif body.strip() and not is_data:
            problems.append(f"script with a body: {body.strip()[:60]}")
    problems += [f"event handler attribute: {match[:80]}" for match in EVENT_HANDLER.findall(html)]
    return problems


def assert_strict(response):
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in " ".join(sum(directives.values(), []))
    assert "'unsafe-eval'" not in " ".join(sum(directives.values(), []))
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert inline_script_problems(response.content.decode()) == []


def test_the_policy_is_strict_and_the_sign_in_page_complies(client):
    assert_strict(client.get(reverse("accounts:login")))


def test_the_check_would_notice_an_inline_script():
    assert inline_script_problems('<script>alert(1)</script><script src="/a.js"></script>') == ["inline <script>"]
    assert inline_script_problems('<button onclick="x()">') != []


def front_end_urls():
    manager = UserFactory()
    agreement = ActiveAgreementFactory(cluster=ClusterFactory(managers=[manager]))
    return manager, [
        reverse("clusters:cluster-detail", args=[agreement.cluster.pk]),
        reverse("agreements:agreement-detail", args=[agreement.pk]),
        reverse("accounts:password-change"),
    ]


def test_front_end_pages_carry_the_policy_and_no_inline_script(client):
    manager, urls = front_end_urls()
    client.force_login(manager)
    for url in urls:
        assert_strict(client.get(url))


def test_staff_pages_and_the_admin_comply(client):
    client.force_login(StaffFactory())
    agreement = ActiveAgreementFactory()
    for url in [
        reverse("reports:dashboard"),
        reverse("reports:planner"),
        reverse("reports:hours-pace", args=[agreement.programme.pk]),
        reverse("reports:table", args=["hours_by_area"]),
        reverse("admin:index"),
        reverse("admin:agreements_agreement_changelist"),
        reverse("admin:agreements_agreement_change", args=[agreement.pk]),
        reverse("admin:accounts_user_add"),
        reverse("admin:otp_totp_totpdevice_add"),
        reverse("admin:axes_accessattempt_changelist"),
    ]:
        assert_strict(client.get(url))


def test_admin_login_page_complies(client):
    assert_strict(client.get(reverse("admin:login")))


def test_the_second_factor_and_lockout_pages_comply(client, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.OTP_REQUIRED_FOR_STAFF = True
    staff = StaffFactory()
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    assert_strict(client.get(reverse("accounts:second-factor")))
    client.logout()

    UserFactory(email="locked@example.com")
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "locked@example.com", "password": "wrong"})
    response = client.post(reverse("admin:login"), {"username": "locked@example.com", "password": "wrong"})
    assert response.status_code == 429
    response.status_code = 200
    assert_strict(response)


STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def test_the_registry_import_preview_has_no_inline_style(client):
    """django-import-export marks each changed cell with an inline style the policy refuses (a console error a
    cell); the project's preview marks them with classes (inolink.resources.MarkedDiff)."""
    from clusters.tests.test_registry_import import GOOD, preview, registry_csv

    ClusterFactory(company_code=GOOD[0][0], name="An older name")
    client.force_login(StaffFactory())
    for rows in ([*GOOD], [*GOOD, ["300000903", "Atlantis", "", "Other", "Atlantis County", "", "", "", "", "", ""]]):
        response = preview(client, registry_csv(rows))
        assert_strict(response)
        html = response.content.decode()
        assert STYLE_ATTRIBUTE.findall(html) == [] and "<style" not in html
    assert "<ins>Laser Valley</ins>" in preview(client, registry_csv(GOOD)).content.decode()
