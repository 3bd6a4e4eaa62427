"""The two sides of a session (issue 15): contacts once confirmed, Reply-To, the thread, confirming with a link."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from clusters.tests.factories import ClusterFactory
from consultations import services
from consultations.models import MESSAGE_MAX_LENGTH, Consultation, ConsultationMessage
from notifications.models import OutgoingMessage

from .factories import ConsultationFactory, local_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def session(world):
    world.manager.phone = "+370 600 11111"
    world.manager.save()
    world.expert.user.phone = "+370 600 22222"
    world.expert.user.save()
    return ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(4, 10))


def _detail(client, user, consultation):
    client.force_login(user)
    return client.get(reverse("consultations:consultation-detail", args=[consultation.pk])).content.decode()


# Contacts ---------------------------------------------------------------------------------------------------


def test_contacts_are_shared_only_once_confirmed(client, world, session):
    assert world.expert.user.email not in _detail(client, world.manager, session)
    assert world.manager.email not in _detail(client, world.expert.user, session)
    assert "shared once the expert confirms" in _detail(client, world.manager, session)

    services.consultation_confirm(consultation=session, by=world.expert.user)
    manager_page = _detail(client, world.manager, session)
    assert world.expert.user.email in manager_page and "+370 600 22222" in manager_page
    expert_page = _detail(client, world.expert.user, session)
    assert world.manager.email in expert_page and "+370 600 11111" in expert_page
    # Each sees the other side, not themselves.
    assert "+370 600 11111" not in manager_page and "+370 600 22222" not in expert_page


@pytest.mark.parametrize("status", ["held", "no_show"])
def test_contacts_stay_shared_after_the_session(status):
    assert Consultation(status=status).contacts_shared
    assert not Consultation(status="requested").contacts_shared
    assert not Consultation(status="declined").contacts_shared
    assert not Consultation(status="cancelled").contacts_shared


# Reply-To -----------------------------------------------------------------------------------------------------


def test_confirmation_email_replies_to_the_expert(world, session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_confirm(consultation=session, by=world.expert.user)
    [email] = mail.outbox
    assert email.to == [world.manager.email]
    assert email.reply_to == [world.expert.user.email]


def test_request_email_carries_no_reply_to_before_confirmation(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_book(**world.book_kwargs())
    [email] = mail.outbox
    assert email.to == [world.expert.user.email]
    assert email.reply_to == []


def test_cancellation_of_a_confirmed_session_replies_to_the_managers(
    world, session, django_capture_on_commit_callbacks
):
    services.consultation_confirm(consultation=session, by=world.expert.user)
    session.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_cancel(consultation=session, by=world.manager, reason="Ill")
    [email] = [e for e in mail.outbox if e.to == [world.expert.user.email]]
    # Cancelled: contacts are no longer shared, so the reply goes to the programme's address.
    assert email.reply_to == []


# Confirming with a link and a note -----------------------------------------------------------------------------


def test_expert_confirms_with_own_link_and_a_note(client, world, session, django_capture_on_commit_callbacks):
    client.force_login(world.expert.user)
    url = reverse("consultations:consultation-confirm", args=[session.pk])
    page = client.get(url).content.decode()
    assert "https://meet.example.com/abc" in page  # the cluster's link, to keep or replace
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"next": "detail", "meeting_url": "https://zoom.example.com/j/123", "note": "Bring the budget."}
        )
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    session.refresh_from_db()
    assert session.status == "confirmed" and session.meeting_url == "https://zoom.example.com/j/123"
    [note] = session.messages.all()
    assert (note.author, note.body) == (world.expert.user, "Bring the budget.")
    [email] = mail.outbox
    assert "Bring the budget." in email.body and "https://zoom.example.com/j/123" in email.body


def test_confirm_refuses_a_plain_http_link_at_the_field(client, world, session):
    client.force_login(world.expert.user)
    url = reverse("consultations:consultation-confirm", args=[session.pk])
    response = client.post(url, {"next": "detail", "meeting_url": "http://meet.example.com/x"})
    assert response.status_code == 200
    assert response.context["form"].errors["meeting_url"]
    session.refresh_from_db()
    assert session.status == "requested"


def test_an_onsite_session_has_no_link_to_set(world):
    consultation = ConsultationFactory(
        agreement=world.agreement, expert=world.expert, format="onsite", meeting_url="", city="Kaunas", address="A 1"
    )
    with pytest.raises(ValidationError) as error:
        services.consultation_confirm(consultation=consultation, by=world.expert.user, meeting_url="https://x.lt")
    assert "meeting_url" in error.value.message_dict


def test_the_one_click_confirm_of_the_list_still_works(client, world, session):
    client.force_login(world.expert.user)
    response = client.post(reverse("consultations:consultation-confirm", args=[session.pk]))
    assert response["Location"] == reverse("consultations:my-sessions")
    session.refresh_from_db()
    assert session.status == "confirmed" and not session.messages.exists()


# The thread ------------------------------------------------------------------------------------------------------


def _post(client, user, consultation, body):
    client.force_login(user)
    return client.post(reverse("consultations:consultation-message", args=[consultation.pk]), {"body": body})


def test_manager_and_expert_exchange_messages(client, world, session, django_capture_on_commit_callbacks):
    services.consultation_confirm(consultation=session, by=world.expert.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, world.manager, session, "Can we start at 10:15?")
    assert response.status_code == 302 and response["Location"].endswith("#thread")
    [to_expert] = mail.outbox
    assert to_expert.to == [world.expert.user.email]
    assert to_expert.reply_to == [world.manager.email]
    assert "Can we start at 10:15?" in to_expert.body
    assert f"/consultations/{session.pk}/#thread" in to_expert.body
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, world.expert.user, session, "Yes, fine.")
    assert mail.outbox[1].to == [world.manager.email]
    assert mail.outbox[1].reply_to == [world.expert.user.email]
    page = _detail(client, world.manager, session)
    assert page.index("Can we start at 10:15?") < page.index("Yes, fine.")  # oldest first
    assert OutgoingMessage.objects.filter(kind="consultation_message").count() == 2


def test_a_message_before_confirmation_reveals_no_address(world, session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_message_post(consultation=session, by=world.manager, body="A question")
    [email] = mail.outbox
    assert email.reply_to == [] and world.manager.email not in email.body


def test_empty_message_is_refused_at_the_field(client, world, session):
    response = _post(client, world.manager, session, "   ")
    assert response.status_code == 400
    assert "Write a message." in response.content.decode()
    assert not ConsultationMessage.objects.exists()


def test_too_long_message_is_refused_at_the_field(client, world, session):
    response = _post(client, world.manager, session, "x" * (MESSAGE_MAX_LENGTH + 1))
    assert response.status_code == 400 and response.context["thread_form"].errors["body"]
    assert not ConsultationMessage.objects.exists()


def test_another_clusters_thread_is_a_404(client, session):
    other_manager = UserFactory()
    ClusterFactory(managers=[other_manager])
    assert _post(client, other_manager, session, "Hi").status_code == 404
    client.force_login(other_manager)
    assert client.get(reverse("consultations:consultation-detail", args=[session.pk])).status_code == 404
    assert not ConsultationMessage.objects.exists()


def test_another_experts_thread_is_a_404(client, session):
    from .factories import ExpertFactory

    stranger = ExpertFactory().user
    assert _post(client, stranger, session, "Hi").status_code == 404
    client.force_login(stranger)
    assert client.get(reverse("consultations:consultation-detail", args=[session.pk])).status_code == 404
    assert not ConsultationMessage.objects.exists()


def test_the_thread_address_takes_only_a_post(client, world, session):
    client.force_login(world.manager)
    assert client.get(reverse("consultations:consultation-message", args=[session.pk])).status_code == 405


def test_only_the_two_sides_write(world, session):
    staff = StaffFactory()
    with pytest.raises(ValidationError):
        services.consultation_message_post(consultation=session, by=staff, body="Hello")
    assert session.message_refusal(world.manager) is None
    assert session.message_refusal(world.expert.user) is None


def test_staff_read_the_thread_in_the_admin(client, world, session):
    services.consultation_message_post(consultation=session, by=world.manager, body="Visible to staff")
    client.force_login(StaffFactory())
    page = client.get(reverse("admin:consultations_consultationmessage_changelist")).content.decode()
    assert session.topic in page
    message = ConsultationMessage.objects.get()
    page = client.get(reverse("admin:consultations_consultationmessage_change", args=[message.pk])).content.decode()
    assert "Visible to staff" in page


def test_database_refuses_an_empty_or_too_long_message(world, session):
    for body in ("", "x" * (MESSAGE_MAX_LENGTH + 1)):
        with pytest.raises(IntegrityError), transaction.atomic():
            ConsultationMessage.objects.create(consultation=session, author=world.manager, body=body)


def test_detail_page_queries_do_not_grow_with_the_thread(client, world, session, django_assert_max_num_queries):
    services.consultation_confirm(consultation=session, by=world.expert.user)
    client.force_login(world.expert.user)
    url = reverse("consultations:consultation-detail", args=[session.pk])
    services.consultation_message_post(consultation=session, by=world.manager, body="one")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(10):
        services.consultation_message_post(consultation=session, by=world.expert.user, body=f"reply {n}")
    with django_assert_max_num_queries(len(small)):
        client.get(url)


def test_each_message_of_the_thread_is_in_the_sessions_history(client, world, session):
    from consultations.selectors import consultation_thread, consultation_timeline

    services.consultation_confirm(consultation=session, by=world.expert.user)
    _post(client, world.manager, session, "Can we start at 10:15?")
    timeline = consultation_timeline(session, thread=consultation_thread(session))
    [entry] = [entry for entry in timeline if entry.message]
    assert entry.by == world.manager and entry.message.body == "Can we start at 10:15?"
    assert timeline[0] is entry  # the newest, after the confirmation
    history = _detail(client, world.expert.user, session).split('id="history"')[1]
    assert f'<a href="#thread">Message from {world.manager}</a>' in history
