"""Staff second factor (django-otp TOTP) whenever it is required, i.e. whenever DEBUG is off."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from clusters.tests.factories import ClusterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def otp_required(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True


def current_code(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device):
    return f"{(int(current_code(device)) + 500_000) % 1_000_000:06d}"


def sign_in(client, email, next_url=""):
    url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": email, "password": PASSWORD, "next": next_url}, HTTP_ACCEPT_LANGUAGE="en")


def test_staff_without_a_device_cannot_enter_the_admin(client, otp_required):
    staff = StaffFactory()
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:second-factor"))

    page = client.get(response.url)
    assert page.status_code == 200
    assert "has no authenticator device yet" in page.content.decode()
    client.post(reverse("accounts:second-factor"), {"otp_token": "123456"})
    assert client.get(reverse("admin:index")).status_code == 302


def test_staff_with_a_wrong_code_cannot_enter_the_admin(client, otp_required):
    staff = StaffFactory()
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    response = client.post(reverse("accounts:second-factor"), {"otp_token": wrong_code(device), "next": "/admin/"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    admin = client.get(reverse("admin:index"))
    assert admin.status_code == 302
    assert admin.url.startswith(reverse("accounts:second-factor"))


def test_staff_with_the_right_code_enter_the_admin(client, otp_required):
    staff = StaffFactory(email="officer@example.com")
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    response = sign_in(client, staff.email, next_url="/admin/")
    assert response.status_code == 302
    # The password alone leads to the code page, remembering where the person was going.
    code_page = client.get(response.url)
    assert code_page.status_code == 302
    assert code_page.url == reverse("accounts:second-factor") + "?next=%2Fadmin%2F"
    html = client.get(code_page.url).content.decode()
    assert 'autocomplete="one-time-code"' in html
    assert re.search(r'<label\s+for="id_otp_token"[^>]*>\s*Authentication code', html)

    response = client.post(reverse("accounts:second-factor"), {"otp_token": current_code(device), "next": "/admin/"})
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_code_is_not_accepted_twice(client, otp_required):
    staff = StaffFactory()
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    code = current_code(device)
    client.force_login(staff)
    assert client.post(reverse("accounts:second-factor"), {"otp_token": code}).status_code == 302

    other = client.__class__()
    other.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200
    assert other.post(reverse("accounts:second-factor"), {"otp_token": code}).status_code == 200
    assert other.get(reverse("admin:index")).status_code == 302


def test_another_persons_device_does_not_verify_staff(client, otp_required):
    staff = StaffFactory()
    stranger_device = TOTPDevice.objects.create(user=StaffFactory(), name="phone", confirmed=True)
    client.force_login(staff)
    client.post(reverse("accounts:second-factor"), {"otp_token": current_code(stranger_device)})
    assert client.get(reverse("admin:index")).status_code == 302


def test_front_end_staff_pages_need_the_second_factor_too(client, otp_required):
    staff = StaffFactory()
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    cluster = ClusterFactory()
    for url in (reverse("reports:dashboard"), reverse("clusters:cluster-detail", args=[cluster.pk]), reverse("home")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:second-factor")), url
    client.post(reverse("accounts:second-factor"), {"otp_token": current_code(device)})
    assert client.get(reverse("reports:dashboard")).status_code == 200
    assert client.get(reverse("clusters:cluster-detail", args=[cluster.pk])).status_code == 200


def test_people_who_are_not_staff_are_never_asked_for_a_code(client, otp_required):
    manager = UserFactory()
    cluster = ClusterFactory(managers=[manager])
    client.force_login(manager)
    assert client.get(reverse("clusters:cluster-detail", args=[cluster.pk])).status_code == 200
    assert client.get(reverse("accounts:second-factor")).status_code == 302


def test_the_code_page_does_not_redirect_elsewhere(client, otp_required):
    staff = StaffFactory()
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    response = client.post(
        reverse("accounts:second-factor"), {"otp_token": current_code(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_without_the_requirement_staff_enter_with_the_password_alone(client, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    staff = StaffFactory()
    response = sign_in(client, staff.email, next_url="/admin/")
    assert response.url == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_login_page_says_the_demo_needs_no_second_factor(client, settings):
    settings.DEBUG = True
    settings.OTP_REQUIRED_FOR_STAFF = False
    html = " ".join(client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode().split())
    assert "Demo mode" in html
    assert "without a second factor" in html


def test_admin_login_page_announces_the_code_when_required(client, otp_required):
    html = " ".join(client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode().split())
    assert "6-digit code from your authenticator app" in html
    assert "Demo mode" not in html


def test_enrol_command_creates_a_device_and_prints_its_url_and_qr_code(client, otp_required):
    staff = StaffFactory(email="officer@example.com")
    out = io.StringIO()
    call_command("enrol_totp", "Officer@Example.com", "--name", "Rasa's phone", stdout=out)
    device = TOTPDevice.objects.get(user=staff)
    text = out.getvalue()
    assert device.confirmed and device.name == "Rasa's phone"
    assert device.config_url in text
    assert text.count("█") > 100  # the QR code, drawn in the terminal

    with pytest.raises(CommandError, match="already has"):
        call_command("enrol_totp", staff.email, stdout=io.StringIO())
    call_command("enrol_totp", staff.email, "--replace", "--no-qr", stdout=io.StringIO())
    assert TOTPDevice.objects.filter(user=staff).count() == 1
    assert TOTPDevice.objects.get(user=staff).pk != device.pk

    # The enrolled device works for signing in.
    client.force_login(staff)
    new_device = TOTPDevice.objects.get(user=staff)
    assert client.post(reverse("accounts:second-factor"), {"otp_token": current_code(new_device)}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_repeated_wrong_codes_are_throttled_even_the_right_one_at_once(client, otp_required):
    staff = StaffFactory()
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    client.post(reverse("accounts:second-factor"), {"otp_token": wrong_code(device)})
    response = client.post(
        reverse("accounts:second-factor"), {"otp_token": current_code(device)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Too many wrong codes in a row" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_staff_owing_the_code_see_no_role_links(client, otp_required):
    client.force_login(StaffFactory())
    html = client.get(reverse("accounts:second-factor")).content.decode()
    assert reverse("reports:dashboard") not in html
    assert reverse("admin:index") not in html
