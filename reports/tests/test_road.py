import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import User
from accounts.tests.factories import UserFactory
from agreements.tests.factories import ActiveAgreementFactory
from clusters.models import Cluster, IndicatorArea
from clusters.tests.factories import ClusterFactory, LabelAwardFactory
from consultations.models import Consultation, ExtraHours, SessionOutcome
from consultations.tests.factories import SessionOutcomeFactory
from events.tests.factories import OutcomeFactory
from inolink.formatting import hours as hours_text

pytestmark = pytest.mark.django_db


def area(code):
    return IndicatorArea.objects.get(code=code)


def managed_cluster_with_evidence(sessions=1):
    manager = UserFactory(language="en")
    agreement = ActiveAgreementFactory(cluster=ClusterFactory(name="iVITA test", managers=[manager]))
    LabelAwardFactory(
        cluster=agreement.cluster, awarded_on=datetime.date(2026, 3, 1), valid_until=datetime.date(2028, 3, 31)
    )
    for n in range(sessions):
        outcome = SessionOutcomeFactory(
            consultation__agreement=agreement, hours_delivered=Decimal("1.5"), summary=f"Strategy workshop {n}"
        )
        outcome.indicator_areas.set([area("services"), area("management")])
        OutcomeFactory(participation__cluster=agreement.cluster).indicator_areas.set([area("interaction")])
    return agreement.cluster, manager


def test_the_road_shows_the_label_the_gaps_with_their_fixes_the_next_step_and_the_evidence(client):
    cluster, manager = managed_cluster_with_evidence(sessions=2)
    client.force_login(manager)
    page = client.get(reverse("reports:cluster-road", args=[cluster.pk])).content.decode()
    assert "Bronze, valid until 31 Mar 2028" in page
    assert "Bronze expires March 2028: renew by March 2029." in page
    # The fresh cluster records no ECCP profile, members or staff: each gap says what is missing and the fix.
    assert "has no profile on the European Cluster Collaboration Platform" in page
    assert page.count("How to fix:") == 5
    assert "Strategy workshop 1" in page and "Services provided by the cluster management" in page
    assert "2 sessions with evidence, 3 h in all." in page or "2 sessions with evidence" in page
    # Services and management have 2 sessions and 3 hours: solid; the other four are thin.
    assert page.count('badge text-bg-success">Solid') == 2 and page.count('badge text-bg-warning">Thin') == 4
    assert "only 2 areas have solid evidence" in page
    assert reverse("reports:evidence-pack-xlsx", args=[cluster.pk]) in page


def test_the_evidence_pack_page_and_xlsx_agree_with_the_road(client):
    cluster, manager = managed_cluster_with_evidence(sessions=3)
    client.force_login(manager)
    evidence = client.get(reverse("reports:cluster-road", args=[cluster.pk])).context["evidence"]
    response = client.get(reverse("reports:evidence-pack-xlsx", args=[cluster.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="inolink-evidence-cluster')
    workbook = load_workbook(io.BytesIO(response.content))
    summary, sessions, events = (list(sheet.iter_rows(min_row=2, values_only=True)) for sheet in workbook)
    page_rows = [(str(a.area), len(a.sessions), a.hours, len(a.events)) for a in evidence.areas]
    assert [(name, count, Decimal(str(hours)), n_events) for name, count, hours, n_events, _thin in summary[:-1]] == [
        (name, count, hours, n_events) for name, count, hours, n_events in page_rows
    ]
    assert summary[-1][:4] == ("Total", 6, 9, 3)  # a session in two areas is in both areas' rows
    assert len(sessions) == sum(len(a.sessions) for a in evidence.areas) == 6
    assert len(events) == 3
    printable = client.get(reverse("reports:evidence-pack", args=[cluster.pk])).content.decode()
    assert "css/evidence-print.css" in printable and 'media="print"' in printable
    assert " style=" not in printable and "<script>" not in printable
    for row in evidence.areas:
        for session in row.sessions:
            assert session.summary in printable and session.expert in printable


@pytest.mark.parametrize("scale", [1, 10])
@pytest.mark.parametrize(
    ("name", "budget"),
    # The session and the user (3), the cluster (1), the evidence (4); the road adds its five and the navigation.
    [("reports:cluster-road", 13), ("reports:evidence-pack", 8), ("reports:evidence-pack-xlsx", 8)],
)
def test_the_road_and_the_pack_read_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, name, budget, scale
):
    cluster, manager = managed_cluster_with_evidence(sessions=scale)
    client.force_login(manager)
    with django_assert_max_num_queries(budget):
        assert client.get(reverse(name, args=[cluster.pk])).status_code == 200


def test_the_managers_start_page_sums_up_the_road_and_the_cluster_page_links_to_it(client):
    cluster, manager = managed_cluster_with_evidence()
    client.force_login(manager)
    page = client.get(reverse("consultations:dashboard")).content.decode()
    road = reverse("reports:cluster-road", args=[cluster.pk])
    assert "Road to the label" in page and road in page
    assert "Bronze expires March 2028: renew by March 2029." in page
    assert road in client.get(reverse("clusters:cluster-detail", args=[cluster.pk])).content.decode()


def test_the_road_reads_in_the_readers_language(client):
    cluster, manager = managed_cluster_with_evidence()
    manager.language = "lt"
    manager.save()
    client.force_login(manager)
    page = client.get(reverse("reports:cluster-road", args=[cluster.pk])).content.decode()
    assert "2028 m. kovo 31 d." in page
    assert "Kelias į ženklą" in page


def test_the_demo_road_of_ivita_shows_solid_and_thin_areas(client):
    call_command("load_demo", stdout=None)
    manager = User.objects.get(email="manager@example.com")
    cluster = Cluster.objects.managed_by(manager).order_by("name").first()
    client.force_login(manager)
    evidence = client.get(reverse("reports:cluster-road", args=[cluster.pk])).context["evidence"]
    solid = [row.area.code for row in evidence.areas if not row.thin]
    # The demo's sessions of the agreed-hours and rescheduling stories served achievements too, but the cluster has
    # not accepted their hours over the booking: they count as the reports count them (the booked length only),
    # which leaves achievements thin.
    assert solid == ["management", "services"]
    assert {row.area.code for row in evidence.thin_areas} == {"structure", "financing", "interaction", "achievements"}
    # The exhibition iVITA attended is evidence too (an event result counts in the list, not in the thin rule).
    assert [len(row.events) for row in evidence.areas if row.area.code in ("interaction", "achievements")] == [1, 1]


def test_a_session_whose_extra_hours_are_not_accepted_shows_what_counts_and_what_was_logged(client):
    cluster, manager = managed_cluster_with_evidence(sessions=1)
    outcome = SessionOutcome.objects.get(consultation__cluster=cluster)
    Consultation.objects.filter(pk=outcome.consultation_id).update(hours=Decimal("1"))
    SessionOutcome.objects.filter(pk=outcome.pk).update(extra_status=ExtraHours.PENDING, extra_due_at=timezone.now())
    client.force_login(manager)
    page = client.get(reverse("reports:cluster-road", args=[cluster.pk])).content.decode()
    with translation.override("en"):
        counted, logged = hours_text(Decimal("1")), hours_text(Decimal("1.5"))
    assert f'{counted}<span class="d-block small text-body-secondary">of {logged} logged</span>' in page
    workbook = load_workbook(io.BytesIO(client.get(reverse("reports:evidence-pack-xlsx", args=[cluster.pk])).content))
    header, *rows = workbook.worksheets[1].iter_rows(values_only=True)
    assert header[5:7] == ("Hours delivered", "Hours logged")
    assert [row[5:7] for row in rows] == [(1, 1.5), (1, 1.5)]  # the session named two areas

    SessionOutcome.objects.filter(pk=outcome.pk).update(extra_status=ExtraHours.ACCEPTED)
    page = client.get(reverse("reports:cluster-road", args=[cluster.pk])).content.decode()
    assert " logged</span>" not in page
