from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accounts.tests.factories import StaffFactory
from consultations.models import Consultation, ServiceArea

from .factories import (
    ConsultationFactory,
    ExpertFactory,
    RatingFactory,
    SessionOutcomeFactory,
    available_all_week,
    local_at,
)

pytestmark = pytest.mark.django_db


def test_reassign_action_uses_the_service(client, world):
    client.force_login(StaffFactory())
    consultation = ConsultationFactory(
        agreement=world.agreement, expert=world.expert, service_area=world.area, status="confirmed"
    )
    colleague = available_all_week(ExpertFactory(service_areas=[world.area]))
    outsider = available_all_week(ExpertFactory(service_areas=[ServiceArea.objects.get(code="marketing")]))
    url = reverse("admin:consultations_consultation_changelist")
    page = client.post(url, {"action": "reassign", ACTION_CHECKBOX_NAME: [consultation.pk]})
    assert page.status_code == 200
    choices = [e.pk for e in page.context["form"].fields["expert"].queryset]
    assert colleague.pk in choices and outsider.pk not in choices
    # A tampered choice outside the area is refused by the form; nothing changes.
    client.post(
        url, {"action": "reassign", ACTION_CHECKBOX_NAME: [consultation.pk], "apply": "1", "expert": outsider.pk}
    )
    consultation.refresh_from_db()
    assert consultation.expert == world.expert
    # The colleague is busy then: the service refuses with a message.
    ConsultationFactory(agreement=world.agreement, expert=colleague, starts_at=consultation.starts_at)
    response = client.post(
        url,
        {"action": "reassign", ACTION_CHECKBOX_NAME: [consultation.pk], "apply": "1", "expert": colleague.pk},
        follow=True,
    )
    assert "just taken" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.expert == world.expert
    free = available_all_week(ExpertFactory(service_areas=[world.area]))
    client.post(url, {"action": "reassign", ACTION_CHECKBOX_NAME: [consultation.pk], "apply": "1", "expert": free.pk})
    consultation.refresh_from_db()
    assert consultation.expert == free and consultation.status == Consultation.Status.REQUESTED


def test_changelist_filters_and_search(client, world):
    client.force_login(StaffFactory())
    ConsultationFactory(agreement=world.agreement, expert=world.expert, topic="Findable topic")
    ConsultationFactory(agreement=world.agreement, expert=world.expert, topic="Old", starts_at=local_at(-40, 10))
    url = reverse("admin:consultations_consultation_changelist")
    for params in (
        {"status__exact": "requested"},
        {"service_area__id__exact": world.area.pk},
        {"expert_id": world.expert.pk},
        {"expert_id": "x"},
        {"cluster__id__exact": world.cluster.pk},
        {"starts_at__year": local_at(0, 0).year},
        {"q": "Findable"},
    ):
        response = client.get(url, params)
        assert response.status_code == 200, params
    assert "Findable topic" in client.get(url, {"q": "Findable"}).content.decode()
    consultation = Consultation.objects.first()
    history = reverse("admin:consultations_consultation_history", args=[consultation.pk])
    assert client.get(history).status_code == 200


def test_expert_and_cluster_are_picked_from_drop_downs_that_keep_the_other_filters(client, world, other_world):
    client.force_login(StaffFactory())
    ConsultationFactory(agreement=world.agreement, expert=world.expert, topic="Ours", status="confirmed")
    ConsultationFactory(agreement=other_world.agreement, expert=other_world.expert, topic="Theirs")
    url = reverse("admin:consultations_consultation_changelist")

    page = client.get(url, {"status__exact": "confirmed", "expert_id": world.expert.pk, "p": "1"}).content.decode()
    assert "Ours" in page and "Theirs" not in page
    assert f'<option value="{world.expert.pk}" selected>{world.expert}</option>' in page
    assert f'<option value="{other_world.cluster.pk}">{other_world.cluster}</option>' in page
    # Choosing a cluster keeps the status and expert filters and starts again at the first page.
    cluster_form = page[page.index('data-filter-title="cluster"') :]
    cluster_form = cluster_form[: cluster_form.index("</form>")]
    assert '<input type="hidden" name="status__exact" value="confirmed">' in cluster_form
    assert f'<input type="hidden" name="expert_id" value="{world.expert.pk}">' in cluster_form
    assert 'name="p"' not in cluster_form and 'name="cluster__id__exact"' in cluster_form

    page = client.get(url, {"cluster__id__exact": other_world.cluster.pk}).content.decode()
    assert "Theirs" in page and "Ours" not in page


def test_changelist_lists_the_page_of_rows_without_loading_what_it_does_not_show(client, world):
    """The list reads a few columns of each row; actions still receive whole consultations."""
    client.force_login(StaffFactory())
    consultation = ConsultationFactory(agreement=world.agreement, expert=world.expert, agenda="Long agenda")
    url = reverse("admin:consultations_consultation_changelist")
    response = client.get(url)
    assert response.context["cl"].result_count == 1
    (row,) = response.context["cl"].result_list
    assert "agenda" in row.get_deferred_fields()
    page = client.post(url, {"action": "reassign", ACTION_CHECKBOX_NAME: [consultation.pk]})
    assert not page.context["consultations"][0].get_deferred_fields()


def test_staff_edit_outcomes_and_cannot_bypass_the_booking_rules(client, world):
    from consultations.models import SessionOutcome

    from .factories import SessionOutcomeFactory

    client.force_login(StaffFactory())
    assert client.get(reverse("admin:consultations_consultation_add")).status_code == 403
    outcome = SessionOutcomeFactory(consultation__agreement=world.agreement)
    url = reverse("admin:consultations_sessionoutcome_change", args=[outcome.pk])
    response = client.post(
        url,
        {
            "result": "no_show",
            "summary": "Nobody came",
            "recommendations": "",
            "follow_up_actions": "",
            "hours_delivered": "0",
        },
    )
    assert response.status_code == 302
    outcome = SessionOutcome.objects.select_related("consultation").get(pk=outcome.pk)
    assert outcome.result == "no_show" and outcome.consultation.status == "no_show"
    # A held outcome with 0 hours breaks the database rule: a message at the form, not a 500.
    response = client.post(
        url,
        {"result": "held", "summary": "x", "recommendations": "", "follow_up_actions": "", "hours_delivered": "0"},
    )
    assert response.status_code == 200
    change = client.get(reverse("admin:consultations_consultation_change", args=[outcome.consultation.pk]))
    assert change.status_code == 200 and 'name="starts_at"' not in change.content.decode()


@pytest.mark.parametrize("list_name", ["sessionoutcome", "rating"])
def test_outcomes_and_ratings_filter_by_cluster_and_area(client, world, other_world, list_name):
    client.force_login(StaffFactory())
    factory = SessionOutcomeFactory if list_name == "sessionoutcome" else RatingFactory
    ours = factory(consultation__agreement=world.agreement, consultation__expert=world.expert)
    factory(consultation__agreement=other_world.agreement, consultation__expert=other_world.expert)
    url = reverse(f"admin:consultations_{list_name}_changelist")
    for params in (
        {"consultation_cluster_id": world.cluster.pk},
        {"consultation_cluster_id": world.cluster.pk, "consultation__service_area__id__exact": world.area.pk},
    ):
        page = client.get(url, params)
        assert [row.pk for row in page.context["cl"].result_list] == [ours.pk], params
    assert len(client.get(url, {"consultation_cluster_id": "x"}).context["cl"].result_list) == 2


def test_staff_type_outcome_hours_with_a_decimal_comma_or_point(client, world):
    from consultations.models import SessionOutcome

    client.force_login(StaffFactory())
    outcome = SessionOutcomeFactory(consultation__agreement=world.agreement)
    url = reverse("admin:consultations_sessionoutcome_change", args=[outcome.pk])
    assert 'inputmode="decimal"' in client.get(url).content.decode()
    data = {"result": "held", "summary": "x", "recommendations": "", "follow_up_actions": ""}
    for typed, saved in (("1,5", "1.5"), ("1.75", "1.75")):
        assert client.post(url, {**data, "hours_delivered": typed}).status_code == 302
        assert SessionOutcome.objects.get(pk=outcome.pk).hours_delivered == Decimal(saved)
