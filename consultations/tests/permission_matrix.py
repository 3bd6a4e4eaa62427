"""Permission-matrix entries of consultations (see inolink/tests/matrix.py)."""

from decimal import Decimal

from accounts.tests.factories import StaffFactory, UserFactory
from clusters.tests.factories import ClusterFactory
from consultations.models import Consultation
from consultations.tests.factories import ConsultationFactory, ExpertFactory, SessionOutcomeFactory, local_at
from inolink.tests.matrix import Case, exempt, register

exempt(
    "consultations:calendar-feed",
    "calendar apps cannot sign in: the secret, regenerable token in the address is the permission",
)


def consultation_of_manager(**fields):
    """A consultation of a cluster with its own manager, plus another expert of the same area as a wrong user."""
    manager = UserFactory()
    consultation = ConsultationFactory(agreement__cluster=ClusterFactory(managers=[manager]), **fields)
    other_expert = ExpertFactory(service_areas=[consultation.service_area]).user
    return consultation, manager, {"another expert of the same area": other_expert}


def manager_and_expert_case(**fields):
    consultation, manager, wrong = consultation_of_manager(**fields)
    return Case(kwargs={"pk": consultation.pk}, rightful=[manager, consultation.expert.user], wrong=wrong)


def manager_case(**fields):
    consultation, manager, wrong = consultation_of_manager(**fields)
    wrong["the session's own expert"] = consultation.expert.user
    return Case(kwargs={"pk": consultation.pk}, rightful=[manager], wrong=wrong)


def expert_case(**fields):
    consultation, manager, wrong = consultation_of_manager(**fields)
    wrong["the cluster's manager"] = manager
    return Case(kwargs={"pk": consultation.pk}, rightful=[consultation.expert.user], wrong=wrong)


@register("consultations:consultation-detail")
def consultation_detail():
    case = manager_and_expert_case()
    case.rightful.append(StaffFactory())  # staff open any session (the escalation email, "view on site")
    return case


@register("consultations:consultation-ics")
def consultation_ics():
    return manager_and_expert_case(status=Consultation.Status.CONFIRMED)


@register("consultations:consultation-cancel")
def consultation_cancel():
    return manager_case(starts_at=local_at(5, 10))


@register("consultations:consultation-reschedule")
def consultation_reschedule():
    return manager_case(starts_at=local_at(5, 10))


@register("consultations:consultation-rate")
def consultation_rate():
    outcome = SessionOutcomeFactory()
    consultation = outcome.consultation
    manager = UserFactory()
    consultation.cluster.managers.add(manager)
    return Case(
        kwargs={"pk": consultation.pk},
        rightful=[manager],
        rightful_status=405,
        rightful_post={"score": 5, "comment": "Useful"},
        wrong={"the session's own expert": consultation.expert.user},
    )


@register("consultations:consultation-confirm")
def consultation_confirm():
    case = expert_case(starts_at=local_at(5, 10))
    case.rightful_post = {}
    return case


@register("consultations:consultation-decline")
def consultation_decline():
    return expert_case(starts_at=local_at(5, 10))


@register("consultations:consultation-outcome")
def consultation_outcome():
    case = expert_case(starts_at=local_at(-1, 10), status=Consultation.Status.CONFIRMED)
    case.rightful.append(StaffFactory())  # staff log or correct it on the expert's behalf
    return case


@register("consultations:consultation-reassign")
def consultation_reassign():
    case = expert_case(starts_at=local_at(5, 10))
    case.wrong["the session's own expert"] = case.rightful.pop()
    case.rightful = [StaffFactory()]  # reassigning is programme staff's alone
    return case


@register("consultations:consultation-propose")
def consultation_propose():
    return expert_case(starts_at=local_at(5, 10))


def _with_proposal(case: Case) -> Case:
    Consultation.objects.filter(pk=case.kwargs["pk"]).update(
        proposed_starts_at=local_at(6, 10), proposed_ends_at=local_at(6, 11)
    )
    case.rightful_status = 405
    case.rightful_post = {}
    return case


@register("consultations:consultation-proposal-accept")
def consultation_proposal_accept():
    return _with_proposal(manager_case(starts_at=local_at(5, 10)))


@register("consultations:consultation-proposal-decline")
def consultation_proposal_decline():
    return _with_proposal(manager_case(starts_at=local_at(5, 10)))


@register("consultations:consultation-edit")
def consultation_edit():
    return manager_case(starts_at=local_at(5, 10))


def _extra_hours_case(**case_fields) -> Case:
    """A held 1 h session with 1.5 h logged, the extra awaiting the cluster."""
    outcome = SessionOutcomeFactory(
        hours_delivered=Decimal("1.5"), extra_status="pending", extra_due_at=local_at(5, 10)
    )
    consultation = outcome.consultation
    manager = UserFactory()
    consultation.cluster.managers.add(manager)
    return Case(
        kwargs={"pk": consultation.pk},
        rightful=[manager],
        wrong={"the session's own expert": consultation.expert.user},
        **case_fields,
    )


@register("consultations:extra-hours-accept")
def extra_hours_accept():
    return _extra_hours_case(rightful_status=405, rightful_post={})


@register("consultations:extra-hours-dispute")
def extra_hours_dispute():
    return _extra_hours_case()


@register("consultations:consultation-message")
def consultation_message():
    case = manager_and_expert_case(status=Consultation.Status.CONFIRMED)
    case.rightful_status = 405
    case.rightful_post = {"body": "See you tomorrow."}
    return case
