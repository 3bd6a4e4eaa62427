"""Messages to chosen groups: audiences by criteria, preview, sending once per person through the outbox."""

import datetime
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from agreements.tests.factories import ActiveAgreementFactory
from clusters.models import LabelLevel
from clusters.tests.factories import ClusterFactory
from consultations.models import ServiceArea
from consultations.tests.factories import ExpertFactory, RatingFactory, SessionOutcomeFactory
from events.models import Participation
from events.tests.factories import EventFactory, ParticipationFactory, PastEventFactory
from notifications.models import OutgoingMessage
from outreach import services
from outreach.audiences import AUDIENCES
from outreach.models import GroupMessage

pytestmark = pytest.mark.django_db

TEXTS = {"subject_lt": "Svarbu", "body_lt": "Lietuviškas tekstas", "subject_en": "Important", "body_en": "English text"}


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _programme_cluster(language="en", **fields):
    manager = UserFactory(language=language)
    cluster = ClusterFactory(managers=[manager], **fields)
    ActiveAgreementFactory(cluster=cluster)
    return cluster, manager


def _users(key, **criteria):
    return list(AUDIENCES[key].users(criteria))


def test_programme_managers_with_filters():
    _cluster, vilnius = _programme_cluster(region="vilnius", sector="ict")
    _cluster, kaunas = _programme_cluster(region="kaunas", sector="food")
    outsider = UserFactory()
    ClusterFactory(managers=[outsider])  # no agreement: not a programme cluster
    assert set(_users("programme_managers")) == {vilnius, kaunas}
    assert _users("programme_managers", region="kaunas") == [kaunas]
    assert _users("programme_managers", sector="ict") == [vilnius]


def test_programme_managers_holding_a_label():
    from clusters.models import LabelAward

    cluster, bronze = _programme_cluster()
    _programme_cluster()
    LabelAward.objects.create(
        cluster=cluster,
        level=LabelLevel.BRONZE,
        awarded_on=timezone.localdate() - datetime.timedelta(days=30),
        valid_until=timezone.localdate() + datetime.timedelta(days=300),
    )
    assert _users("programme_managers", label=LabelLevel.BRONZE) == [bronze]
    assert _users("programme_managers", label=LabelLevel.SILVER) == []


def test_event_clusters_by_status_and_attended():
    event = EventFactory()
    managers = {}
    for status in ("applied", "approved", "waitlisted", "rejected"):
        manager = UserFactory()
        ParticipationFactory(event=event, status=status, cluster=ClusterFactory(managers=[manager]))
        managers[status] = manager
    for group in ("applied", "approved", "waitlisted"):
        assert _users("event_clusters", event=event, event_group=group) == [managers[group]]
    assert _users("event_clusters", event=event, event_group="attended") == []  # not ended yet
    past = PastEventFactory(ends_at=timezone.now() - datetime.timedelta(days=9))
    went = UserFactory()
    ParticipationFactory(event=past, status=Participation.Status.APPROVED, cluster=ClusterFactory(managers=[went]))
    assert _users("event_clusters", event=past, event_group="attended") == [went]


def test_experts_of_an_area_and_managers_with_an_outcome_to_rate():
    legal = ServiceArea.objects.get(code="legal")
    expert = ExpertFactory(service_areas=[legal])
    ExpertFactory(service_areas=[legal], is_active=False)
    ExpertFactory(service_areas=[ServiceArea.objects.get(code="financial")])
    assert _users("area_experts", service_area=legal) == [expert.user]
    outcome = SessionOutcomeFactory()
    rater = UserFactory()
    outcome.consultation.cluster.managers.add(rater)
    rated = SessionOutcomeFactory()
    rated.consultation.cluster.managers.add(UserFactory())
    RatingFactory(consultation=rated.consultation)
    assert _users("managers_to_rate") == [rater]


def test_each_person_gets_one_email_in_their_language(django_capture_on_commit_callbacks):
    event = EventFactory()
    lt, en = UserFactory(language="lt"), UserFactory(language="en")
    for manager in (lt, en):
        ParticipationFactory(event=event, status="approved", cluster=ClusterFactory(managers=[manager]))
    key = uuid.uuid4()
    kwargs = {"key": key, "audience_key": "event_clusters", "criteria": {"event": event, "event_group": "approved"}}
    with django_capture_on_commit_callbacks(execute=True):
        message = services.group_message_send(texts=TEXTS, by=StaffFactory(), **kwargs)
    by_address = {email.to[0]: email for email in mail.outbox}
    assert len(mail.outbox) == 2
    assert by_address[lt.email].subject == "Svarbu" and "Lietuviškas tekstas" in by_address[lt.email].body
    assert by_address[en.email].subject == "Important" and "English text" in by_address[en.email].body
    assert message.recipient_count == 2 and message.criteria == {"event": event.pk, "event_group": "approved"}
    # The same form submitted again sends nothing more.
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        services.group_message_send(texts=TEXTS, by=StaffFactory(), **kwargs)
    assert len(mail.outbox) == 2 and GroupMessage.objects.count() == 1


def test_only_one_language_written_goes_to_everyone(django_capture_on_commit_callbacks):
    _cluster, lt = _programme_cluster(language="lt")
    with django_capture_on_commit_callbacks(execute=True):
        services.group_message_send(
            key=uuid.uuid4(),
            audience_key="programme_managers",
            criteria={},
            texts={"subject_en": "Only English", "body_en": "Text"},
            by=StaffFactory(),
        )
    [email] = mail.outbox
    assert email.to == [lt.email] and email.subject == "Only English"
    assert email.body.startswith("Laba diena,")  # the frame stays in the person's language


def test_a_person_without_an_email_address_is_listed_as_unreachable(client, django_capture_on_commit_callbacks):
    _cluster, reachable = _programme_cluster()
    _cluster, nobody = _programme_cluster()
    type(nobody).objects.filter(pk=nobody.pk).update(email="")
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        message = services.group_message_send(
            key=uuid.uuid4(), audience_key="programme_managers", criteria={}, texts=TEXTS, by=staff
        )
    assert [email.to for email in mail.outbox] == [[reachable.email]]
    statuses = dict(message.deliveries.values_list("recipient_id", "status"))
    assert statuses == {reachable.pk: "sent", nobody.pk: "skipped"}
    client.force_login(staff)
    page = client.get(message.get_absolute_url()).content.decode()
    assert "Unreachable" in page or "Nepasiekiamas" in page
    listing = client.get(reverse("outreach:message-list")).content.decode()
    assert message.subject_lt in listing or message.subject_en in listing  # the reader's language


def test_unknown_audience_and_empty_text_are_refused():
    with pytest.raises(Exception, match="audience"):
        services.group_message_send(
            key=uuid.uuid4(), audience_key="everyone", criteria={}, texts=TEXTS, by=StaffFactory()
        )
    with pytest.raises(Exception) as error:
        services.group_message_send(
            key=uuid.uuid4(), audience_key="managers_to_rate", criteria={}, texts={}, by=StaffFactory()
        )
    assert "body_lt" in error.value.message_dict
    assert not OutgoingMessage.objects.exists()


def _compose(client, **data):
    base = {"key": str(uuid.uuid4()), "audience": "programme_managers", "event_group": "approved", **TEXTS}
    return client.post(reverse("outreach:message-compose"), base | data)


def test_compose_page_previews_who_and_sends(client, django_capture_on_commit_callbacks):
    _cluster, manager = _programme_cluster(language="lt")
    staff = StaffFactory()
    client.force_login(staff)
    assert client.get(reverse("outreach:message-compose")).status_code == 200
    key = str(uuid.uuid4())
    response = _compose(client, key=key, action="preview")
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview["count"] == 1 and preview["rows"] == [manager]
    assert [v["subject"] for v in preview["languages"]] == ["Svarbu", "Important"]
    assert not GroupMessage.objects.exists() and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = _compose(client, key=key, action="send")
    message = GroupMessage.objects.get()
    assert response.status_code == 302 and response["Location"] == message.get_absolute_url()
    assert [email.to for email in mail.outbox] == [[manager.email]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"audience": "everyone"}, "audience"),
        ({"body_lt": "", "subject_lt": "", "body_en": "", "subject_en": ""}, "body_lt"),
        ({"body_en": ""}, "body_en"),
        ({"audience": "event_clusters", "event": "999999"}, "event"),
        ({"audience": "area_experts"}, "service_area"),
        ({"key": "not-a-uuid"}, "key"),
    ],
)
def test_compose_bad_input_is_a_clear_message(client, data, field):
    client.force_login(StaffFactory())
    response = _compose(client, action="send", **data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not GroupMessage.objects.exists()


def test_announcing_a_published_event_prefills_both_languages(client):
    event = EventFactory(title="Hannover Messe")
    client.force_login(StaffFactory())
    form = client.get(reverse("outreach:message-compose"), {"announce": event.pk}).context["form"]
    assert "Hannover Messe" in form.initial["subject_lt"] and "Hannover Messe" in form.initial["subject_en"]
    assert f"/events/{event.pk}/" in form.initial["body_en"]
    assert client.get(reverse("outreach:message-compose"), {"announce": "x²"}).status_code == 200


def test_pages_are_for_staff_only(client):
    client.force_login(UserFactory())
    assert client.get(reverse("outreach:message-compose")).status_code == 404
    assert client.get(reverse("outreach:message-list")).status_code == 404


def test_list_and_detail_queries_stay_flat(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = StaffFactory()
    client.force_login(staff)

    def send(n):
        for _ in range(n):
            _programme_cluster()
        return services.group_message_send(
            key=uuid.uuid4(), audience_key="programme_managers", criteria={}, texts=TEXTS, by=staff
        )

    first = send(1)
    with CaptureQueriesContext(connection) as list_small:
        client.get(reverse("outreach:message-list"))
    with CaptureQueriesContext(connection) as detail_small:
        client.get(first.get_absolute_url())
    big = send(10)
    for _ in range(9):
        send(0)
    with django_assert_max_num_queries(len(list_small)):
        client.get(reverse("outreach:message-list"))
    with django_assert_max_num_queries(len(detail_small)):
        client.get(big.get_absolute_url())


def test_preview_queries_stay_flat_with_the_audience(client, django_assert_max_num_queries):
    """The preview lists who receives the message: its queries do not grow with the number of people."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(StaffFactory())
    _programme_cluster(language="lt")
    with CaptureQueriesContext(connection) as small:
        response = _compose(client, action="preview")
    assert response.context["preview"]["count"] == 1
    for n in range(10):
        _programme_cluster(language="lt" if n % 2 else "en")
    with django_assert_max_num_queries(len(small)):
        response = _compose(client, action="preview")
    assert response.context["preview"]["count"] == 11


def test_the_audience_is_described_in_each_readers_language(client):
    from django.utils import translation

    _programme_cluster()
    staff = StaffFactory(language="en")
    with translation.override("en"):  # the sender's language does not decide what a Lithuanian reader sees
        message = services.group_message_send(
            key=uuid.uuid4(), audience_key="programme_managers", criteria={}, texts=TEXTS, by=staff
        )
    assert message.audience_description_en == "Managers of programme clusters"
    assert message.audience_description_lt == "Programos klasterių vadybininkai"
    client.force_login(staff)
    for language, words in (("lt", "Programos klasterių vadybininkai"), ("en", "Managers of programme clusters")):
        type(staff).objects.filter(pk=staff.pk).update(language=language)  # a signed-in person reads theirs
        for url in (reverse("outreach:message-list"), message.get_absolute_url()):
            assert words in client.get(url).content.decode()
