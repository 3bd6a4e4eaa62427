import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from consultations.models import Consultation, HourAllocation, ServiceArea

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


# --- Hours granted ------------------------------------------------------------------------------------------


def agreement_change(client, agreement, rows):
    """Post the agreement's admin page unchanged but for its hours: ``rows`` are (allocation or None, area, hours,
    delete)."""
    data = {
        "programme": agreement.programme_id,
        "cluster": agreement.cluster_id,
        "number": agreement.number,
        "starts_on": agreement.starts_on.isoformat(),
        "ends_on": agreement.ends_on.isoformat(),
        "terminated_on": "",
        "termination_reason": "",
        "notes": "",
        "signatures-TOTAL_FORMS": 0,
        "signatures-INITIAL_FORMS": 0,
        "allocations-TOTAL_FORMS": len(rows),
        "allocations-INITIAL_FORMS": sum(1 for allocation, *_ in rows if allocation),
    }
    signatures = list(agreement.signatures.all())
    data |= {"signatures-TOTAL_FORMS": len(signatures), "signatures-INITIAL_FORMS": len(signatures)}
    for i, signature in enumerate(signatures):
        data |= {
            f"signatures-{i}-id": signature.pk,
            f"signatures-{i}-agreement": agreement.pk,
            f"signatures-{i}-party": signature.party,
            f"signatures-{i}-signer_name": signature.signer_name,
            f"signatures-{i}-signer_role": signature.signer_role,
            f"signatures-{i}-signed_on": signature.signed_on.isoformat(),
        }
    for i, (allocation, area, hours, delete) in enumerate(rows):
        data |= {f"allocations-{i}-service_area": area.pk, f"allocations-{i}-hours_granted": hours}
        if allocation:
            data |= {f"allocations-{i}-id": allocation.pk, f"allocations-{i}-agreement": agreement.pk}
        if delete:
            data[f"allocations-{i}-DELETE"] = "on"
    return client.post(reverse("admin:agreements_agreement_change", args=[agreement.pk]), data)


def allocation_errors(response):
    return [form.errors for formset in response.context["inline_admin_formsets"] for form in formset.formset.forms]


def test_staff_cannot_grant_fewer_hours_than_are_delivered_and_held(client, world):
    client.force_login(StaffFactory())
    SessionOutcomeFactory(
        consultation__agreement=world.agreement, consultation__service_area=world.area, hours_delivered=Decimal("2")
    )
    ConsultationFactory(agreement=world.agreement, service_area=world.area, hours=Decimal("1.5"))  # held
    response = agreement_change(client, world.agreement, [(world.allocation, world.area, "3", False)])
    assert response.status_code == 200
    errors = allocation_errors(response)
    assert "3.5" in str(errors) and "grant at least" in str(errors), errors
    assert HourAllocation.objects.get(pk=world.allocation.pk).hours_granted == Decimal("20")
    assert agreement_change(client, world.agreement, [(world.allocation, world.area, "3.5", False)]).status_code == 302
    assert HourAllocation.objects.with_usage().get(pk=world.allocation.pk).hours_remaining == 0


def test_staff_granting_an_area_again_count_the_hours_it_delivered_before(client, world):
    client.force_login(StaffFactory())
    SessionOutcomeFactory(
        consultation__agreement=world.agreement, consultation__service_area=world.area, hours_delivered=Decimal("2")
    )
    HourAllocation.objects.filter(pk=world.allocation.pk).delete()  # given up outside the application
    assert agreement_change(client, world.agreement, [(None, world.area, "30", False)]).status_code == 302
    allocation = HourAllocation.objects.get(agreement=world.agreement, service_area=world.area)
    assert (allocation.hours_granted, allocation.hours_delivered) == (Decimal("30"), Decimal("2"))
    assert allocation.history.first().history_user is not None  # the change is kept, with who made it


def test_staff_cannot_take_away_hours_in_use(client, world):
    client.force_login(StaffFactory())
    ConsultationFactory(agreement=world.agreement, service_area=world.area, hours=Decimal("1"))
    response = agreement_change(client, world.agreement, [(world.allocation, world.area, "20", True)])
    assert response.status_code == 200
    assert "grant at least" in str(allocation_errors(response))
    assert HourAllocation.objects.filter(pk=world.allocation.pk).exists()
    Consultation.objects.update(status="cancelled", status_reason="Not needed")
    assert agreement_change(client, world.agreement, [(world.allocation, world.area, "20", True)]).status_code == 302
    assert not HourAllocation.objects.filter(pk=world.allocation.pk).exists()


def test_the_hours_list_refuses_the_same_grants(client, world):
    client.force_login(StaffFactory())
    ConsultationFactory(agreement=world.agreement, service_area=world.area, hours=Decimal("2"))
    url = reverse("admin:consultations_hourallocation_change", args=[world.allocation.pk])
    response = client.post(url, {"hours_granted": "1"})
    assert response.status_code == 200
    assert "grant at least" in str(response.context["adminform"].form.errors["hours_granted"])
    assert client.post(url, {"hours_granted": "2"}).status_code == 302
    assert HourAllocation.objects.get(pk=world.allocation.pk).hours_granted == 2


def test_staff_removing_an_outcome_give_its_hours_back(client, world):
    from consultations.models import SessionOutcome

    client.force_login(StaffFactory())
    outcome = SessionOutcomeFactory(
        consultation__agreement=world.agreement, consultation__service_area=world.area, hours_delivered=Decimal("2")
    )
    assert HourAllocation.objects.get(pk=world.allocation.pk).hours_delivered == 2
    url = reverse("admin:consultations_sessionoutcome_delete", args=[outcome.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not SessionOutcome.objects.exists()
    assert HourAllocation.objects.get(pk=world.allocation.pk).hours_delivered == 0


def test_staff_correcting_an_outcome_move_its_hours(client, world):
    client.force_login(StaffFactory())
    outcome = SessionOutcomeFactory(
        consultation__agreement=world.agreement, consultation__service_area=world.area, hours_delivered=Decimal("2")
    )
    url = reverse("admin:consultations_sessionoutcome_change", args=[outcome.pk])
    data = {"result": "held", "summary": "x", "recommendations": "", "follow_up_actions": "", "hours_delivered": "1.5"}
    assert client.post(url, data).status_code == 302
    assert HourAllocation.objects.get(pk=world.allocation.pk).hours_delivered == Decimal("1.5")


def logged_session(world, hours="2"):
    """A past confirmed session of the world's expert whose outcome the expert logged (through the service)."""
    from consultations import services

    consultation = ConsultationFactory(
        agreement=world.agreement,
        expert=world.expert,
        service_area=world.area,
        status="confirmed",
        starts_at=local_at(-2, 10),
        hours=Decimal("2"),
    )
    return services.outcome_save(
        consultation=consultation, by=world.expert.user, result="held", summary="Done", hours_delivered=Decimal(hours)
    )


def allocation_usage(world):
    allocation = HourAllocation.objects.with_usage().get(pk=world.allocation.pk)
    return allocation.hours_delivered, allocation.hours_held, allocation.hours_remaining


OUTCOME_FORM = {"result": "held", "summary": "Corrected", "recommendations": "", "follow_up_actions": ""}


def test_a_staff_correction_goes_through_the_outcome_rules_and_recounts_the_hours(client, world):
    staff = StaffFactory()
    client.force_login(staff)
    outcome = logged_session(world)
    assert allocation_usage(world) == (Decimal("2"), Decimal("0"), Decimal("18"))
    url = reverse("admin:consultations_sessionoutcome_change", args=[outcome.pk])
    assert client.post(url, {**OUTCOME_FORM, "hours_delivered": "1.5"}).status_code == 302
    assert allocation_usage(world) == (Decimal("1.5"), Decimal("0"), Decimal("18.5"))
    # More than the booked length plus an hour: the expert's rule, at the field (the database alone allows 5).
    response = client.post(url, {**OUTCOME_FORM, "hours_delivered": "3.25"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["hours_delivered"] == [
        outcome.consultation.hours_delivered_message()
    ]
    assert allocation_usage(world)[0] == Decimal("1.5")
    outcome.consultation.refresh_from_db()
    assert outcome.consultation.status_changed_by == world.expert.user  # unchanged status, untouched


def test_removing_an_outcome_reopens_the_session_and_keeps_its_hours_held(client, world):
    from consultations.models import SessionOutcome

    client.force_login(StaffFactory())
    outcome = logged_session(world)
    changelist = reverse("admin:consultations_sessionoutcome_changelist")
    actions = [name for name, _label in client.get(changelist).context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions  # no bulk delete past the service
    response = client.post(
        reverse("admin:consultations_sessionoutcome_delete", args=[outcome.pk]), {"post": "yes"}, follow=True
    )
    assert not SessionOutcome.objects.filter(pk=outcome.pk).exists()
    consultation = Consultation.objects.get(pk=outcome.consultation_id)
    assert consultation.status == Consultation.Status.CONFIRMED  # outcome due again
    assert allocation_usage(world) == (Decimal("0"), Decimal("2"), Decimal("18"))  # held, not given back
    assert "is open for its outcome again" in response.content.decode()
    # The expert is asked to log it again.
    from django.core import mail

    from notifications.services import messages_send

    messages_send()
    [email] = [email for email in mail.outbox if "log the outcome" in email.subject.lower()]
    assert email.to == [world.expert.user.email]
    assert reverse("consultations:consultation-outcome", args=[consultation.pk]) in email.body


def test_a_rated_sessions_outcome_cannot_be_removed(client, world):
    from consultations.models import SessionOutcome

    client.force_login(StaffFactory())
    outcome = logged_session(world)
    RatingFactory(consultation=outcome.consultation)
    delete_url = reverse("admin:consultations_sessionoutcome_delete", args=[outcome.pk])
    for response in (client.get(delete_url, follow=True), client.post(delete_url, {"post": "yes"}, follow=True)):
        assert "correct it instead of deleting it" in response.content.decode()
    assert SessionOutcome.objects.filter(pk=outcome.pk).exists()
    assert Consultation.objects.get(pk=outcome.consultation_id).status == Consultation.Status.HELD


def test_staff_change_a_status_only_with_a_reason_that_the_expert_and_managers_receive(client, world):
    from django.core import mail

    from consultations import services
    from notifications.models import OutgoingMessage
    from notifications.services import messages_send

    staff = StaffFactory()
    client.force_login(staff)
    consultation = services.consultation_book(**world.book_kwargs())
    change = client.get(reverse("admin:consultations_consultation_change", args=[consultation.pk]))
    assert 'name="status"' not in change.content.decode()  # no free edit of the status
    url = reverse("admin:consultations_consultation_changelist")
    action = {"action": "change_status", ACTION_CHECKBOX_NAME: [consultation.pk]}
    page = client.post(url, action)
    assert page.status_code == 200 and "form" in page.context
    page = client.post(url, {**action, "apply": "1", "status": "cancelled", "reason": " "})
    assert page.context["form"].errors["reason"]
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.REQUESTED
    client.post(url, {**action, "apply": "1", "status": "cancelled", "reason": "The expert fell ill"})
    consultation.refresh_from_db()
    assert (consultation.status, consultation.status_reason, consultation.status_changed_by) == (
        Consultation.Status.CANCELLED,
        "The expert fell ill",
        staff,
    )
    assert consultation.cancelled_at is not None
    told = OutgoingMessage.objects.filter(kind="consultation_status_changed", object_id=consultation.pk)
    assert {m.recipient_id for m in told} == {world.expert.user_id, world.manager.pk}
    messages_send()
    assert sorted(mail.outbox[0].to + mail.outbox[1].to) == sorted([world.expert.user.email, world.manager.email])
    assert "The expert fell ill" in mail.outbox[0].body
    # A change the rules refuse is told, and nothing is written.
    response = client.post(url, {**action, "apply": "1", "status": "confirmed", "reason": "Oops"}, follow=True)
    assert "Only a requested consultation can be confirmed." in response.content.decode()
    assert told.count() == 2


def test_staff_correct_the_indicator_areas_of_an_outcome_and_may_leave_an_old_one_without(client, world):
    from clusters.models import IndicatorArea
    from consultations.models import SessionOutcome

    client.force_login(StaffFactory())
    outcome = SessionOutcomeFactory(consultation__agreement=world.agreement)
    url = reverse("admin:consultations_sessionoutcome_change", args=[outcome.pk])
    data = {"result": "held", "summary": "x", "recommendations": "", "follow_up_actions": "", "hours_delivered": "1"}
    assert client.post(url, data).status_code == 302  # logged before the areas existed: staff need not add them
    structure = IndicatorArea.objects.get(code="structure")
    assert client.post(url, {**data, "indicator_areas": [structure.pk]}).status_code == 302
    assert list(SessionOutcome.objects.get(pk=outcome.pk).indicator_areas.all()) == [structure]


def test_staff_find_disputed_extra_hours_and_decide_them_through_the_service(client, world):
    from consultations import services
    from consultations.models import HourAllocation, SessionOutcome

    staff = StaffFactory()
    client.force_login(staff)
    start = timezone.now() - datetime.timedelta(hours=3)
    consultation = ConsultationFactory(
        agreement=world.agreement,
        expert=world.expert,
        starts_at=start,
        hours=Decimal("2"),
        status=Consultation.Status.CONFIRMED,
    )
    outcome = services.outcome_save(
        consultation=consultation, by=world.expert.user, result="held", summary="Done", hours_delivered=Decimal("3")
    )
    services.outcome_extra_dispute(outcome=outcome, by=world.manager, reason="We stopped at noon")
    changelist = reverse("admin:consultations_sessionoutcome_changelist")
    listed = client.get(changelist, {"extra_status__exact": "disputed"})
    assert [row.pk for row in listed.context["cl"].result_list] == [outcome.pk]
    asked = client.post(changelist, {"action": "decide_extra_hours", "_selected_action": [outcome.pk]})
    assert "We stopped at noon" in asked.content.decode()
    client.post(
        changelist,
        {
            "action": "decide_extra_hours",
            "_selected_action": [outcome.pk],
            "apply": "1",
            "decision": "0",
            "note": "The minutes say noon",
        },
    )
    decided = SessionOutcome.objects.get(pk=outcome.pk)
    assert (decided.extra_status, decided.extra_decided_by, decided.extra_decision_note) == (
        "refused",
        staff,
        "The minutes say noon",
    )
    assert HourAllocation.objects.get(pk=world.allocation.pk).hours_delivered == Decimal("2")
