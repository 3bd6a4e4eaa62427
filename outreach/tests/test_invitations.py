"""Invitations: staff invite a manager or an expert; the person sets a password through a single-use link."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import StaffFactory, UserFactory
from clusters.tests.factories import ClusterFactory
from consultations.models import Expert, ServiceArea
from notifications.models import OutgoingMessage
from outreach import services
from outreach.models import Invitation, token_hash

pytestmark = pytest.mark.django_db

PASSWORD = "a-Strong-pass-4821"


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def staff():
    return StaffFactory()


def invite_manager(staff, cluster=None, email="rasa@klasteris.lt", language="lt", **extra):
    return services.invitation_create(
        email=email,
        role=Invitation.Role.MANAGER,
        cluster=cluster or ClusterFactory(),
        language=language,
        first_name="Rasa",
        by=staff,
        **extra,
    )


def expire(invitation):
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(
        sent_at=now - datetime.timedelta(days=8), expires_at=now - datetime.timedelta(seconds=1)
    )


def link_of(email_message) -> str:
    [url] = [word for word in email_message.body.split() if "/outreach/invitation/" in word]
    return url[url.index("/outreach/") :]


def accept(client, url, password=PASSWORD, **extra):
    data = {"first_name": "Rasa", "last_name": "Petrauskienė", "password1": password, "password2": password}
    return client.post(url, data | extra)


def test_manager_invitation_emails_a_link_and_stores_only_its_hash(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_manager(staff)
    [email] = mail.outbox
    assert email.to == ["rasa@klasteris.lt"]
    assert email.body.startswith("Laba diena,")  # in the invitation's language
    url = link_of(email)
    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert invitation.token_hash == token_hash(token)
    # The token itself is nowhere in the database: not on the invitation, not in the outbox record.
    record = OutgoingMessage.objects.get(kind="invitation")
    assert token not in str(record.context) and token not in invitation.nonce
    assert record.recipient is None and record.recipient_email == "rasa@klasteris.lt"


def test_invited_manager_sets_password_and_lands_home_in_the_invitations_language(
    client, staff, django_capture_on_commit_callbacks
):
    cluster = ClusterFactory()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_manager(staff, cluster=cluster)
    url = link_of(mail.outbox[0])
    page = client.get(url)
    assert page.status_code == 200 and 'lang="lt"' in page.content.decode()
    response = accept(client, url)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(email="rasa@klasteris.lt")
    assert user.check_password(PASSWORD) and user.language == "lt"
    assert cluster.managers.filter(pk=user.pk).exists()
    assert response.cookies["django_language"].value == "lt"
    assert client.get(reverse("home"))["Location"] == reverse("consultations:dashboard")
    # A welcome on the start page, in the invitation's language.
    start = client.get(reverse("consultations:dashboard")).content.decode()
    assert "Sveiki atvykę į „InoLink“. Jūsų paskyra sukurta" in start and cluster.name in start
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def test_invited_expert_gets_the_service_areas(client, staff, django_capture_on_commit_callbacks):
    areas = list(ServiceArea.objects.filter(code__in=["legal", "financial"]))
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            email="jonas@example.com", role="expert", service_areas=areas, language="en", by=staff
        )
    assert "Legal" in mail.outbox[0].body
    accept(client, link_of(mail.outbox[0]))
    assert (
        "Welcome to InoLink. Your account is ready: set your availability"
        in client.get(reverse("consultations:my-sessions")).content.decode()
    )
    expert = Expert.objects.get(user__email="jonas@example.com")
    assert set(expert.service_areas.all()) == set(areas)
    assert client.get(reverse("home"))["Location"] == reverse("consultations:my-sessions")


def test_a_link_is_single_use(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite_manager(staff, language="en")
    url = link_of(mail.outbox[0])
    accept(client, url)
    client.logout()
    again = client.get(url)
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert accept(client, url).status_code == 410
    assert User.objects.filter(email="rasa@klasteris.lt").count() == 1


def test_an_expired_link_says_so(client, staff, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_manager(staff, language="en")
    expire(invitation)
    response = client.get(link_of(mail.outbox[0]))
    assert response.status_code == 410
    assert "links work for 7 days" in response.content.decode()
    assert accept(client, link_of(mail.outbox[0])).status_code == 410
    assert not User.objects.filter(email="rasa@klasteris.lt").exists()


def test_expiry_follows_the_setting(staff, settings):
    settings.INVITATION_VALID_DAYS = 3
    invitation = invite_manager(staff)
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=3)


def test_resend_gives_a_new_link_and_kills_the_old_one(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_manager(staff, language="en")
    old = link_of(mail.outbox[0])
    expire(invitation)
    invitation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation=invitation, by=staff)
    new = link_of(mail.outbox[1])
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_revoked_link_says_it_was_withdrawn(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_manager(staff, language="en")
    services.invitation_revoke(invitation=invitation, by=staff)
    response = client.get(link_of(mail.outbox[0]))
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    with pytest.raises(ValidationError):
        services.invitation_resend(invitation=invitation, by=staff)
    with pytest.raises(ValidationError):
        services.invitation_revoke(invitation=invitation, by=staff)


@pytest.mark.parametrize("token", ["nonsense", "0" * 64, "a" * 200])
def test_an_unknown_link_is_a_clear_404(client, token):
    response = client.get(reverse("outreach:invitation-accept", args=[token]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode() or "negalioja" in response.content.decode()


def test_an_existing_account_gets_the_role_instead(staff, django_capture_on_commit_callbacks):
    person = UserFactory(email="rasa@klasteris.lt", language="en")
    cluster = ClusterFactory()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_manager(staff, cluster=cluster, email="Rasa@Klasteris.lt")
    assert cluster.managers.filter(pk=person.pk).exists()
    assert invitation.accepted_by == person and invitation.state() == Invitation.State.ACCEPTED
    [email] = mail.outbox
    assert email.to == [person.email] and "/outreach/invitation/" not in email.body
    assert cluster.name in email.subject


def test_one_open_invitation_per_person_and_role(staff):
    cluster = ClusterFactory()
    invite_manager(staff, cluster=cluster)
    with pytest.raises(ValidationError) as error:
        invite_manager(staff, cluster=cluster, email="RASA@klasteris.lt")
    assert "email" in error.value.message_dict
    invite_manager(staff, cluster=ClusterFactory())  # another cluster is another invitation


def test_database_backs_the_rules(staff):
    invitation = invite_manager(staff)
    duplicate = Invitation(
        email=invitation.email.upper(),
        role="manager",
        cluster=invitation.cluster,
        invited_by=staff,
        token_hash="x",
        expires_at=invitation.expires_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.bulk_create([duplicate])
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(role="expert")  # an expert has no cluster
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now(), accepted_at=timezone.now())


def test_manager_needs_a_cluster_and_expert_an_area(staff):
    with pytest.raises(ValidationError) as error:
        services.invitation_create(email="a@example.com", role="manager", by=staff)
    assert "cluster" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.invitation_create(email="a@example.com", role="expert", by=staff)
    assert "service_areas" in error.value.message_dict


def test_weak_or_mismatched_passwords_are_refused_at_the_field(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite_manager(staff, language="en")
    url = link_of(mail.outbox[0])
    response = accept(client, url, password="123")
    assert response.status_code == 200 and response.context["form"].errors["password1"]
    response = accept(client, url, password2="something-else-9921")
    assert response.context["form"].errors["password2"]
    assert not User.objects.filter(email="rasa@klasteris.lt").exists()


def test_staff_invite_resend_and_revoke_in_the_admin(client, staff, django_capture_on_commit_callbacks):
    client.force_login(staff)
    cluster = ClusterFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:outreach_invitation_add"),
            {"email": "new@example.com", "language": "en", "role": "manager", "cluster": cluster.pk},
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    invitation = Invitation.objects.get()
    assert len(mail.outbox) == 1
    # The same again: a clear error at the field, no second invitation.
    response = client.post(
        reverse("admin:outreach_invitation_add"),
        {"email": "new@example.com", "language": "en", "role": "manager", "cluster": cluster.pk},
    )
    assert response.status_code == 200 and "open invitation" in response.content.decode()
    changelist = reverse("admin:outreach_invitation_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "resend", "_selected_action": [invitation.pk]})
    assert len(mail.outbox) == 2
    client.post(changelist, {"action": "revoke", "_selected_action": [invitation.pk]})
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:outreach_invitation_change", args=[invitation.pk])).status_code == 200
