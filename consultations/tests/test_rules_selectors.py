"""The exact rules of the consultation reads and of who may read or act on which consultation
(``consultations/selectors.py``, ``consultations/permissions.py``): boundaries, who sees what, and when."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.tests.factories import StaffFactory, UserFactory
from consultations import permissions
from consultations.models import Consultation
from consultations.selectors import session_contacts

from .factories import ConsultationFactory, local_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(world):
    return ConsultationFactory(
        agreement=world.agreement, expert=world.expert, service_area=world.area, status=Consultation.Status.CONFIRMED
    )


def test_staff_reach_any_consultation_for_the_outcome_and_the_expert_only_their_own(world, other_world, consultation):
    """Programme staff log the outcome of any session, by its id; the session's expert of their own; the
    cluster's manager, another expert and anonymous people get 404, as do malformed and missing ids."""
    second = ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(6, 10))
    staff = StaffFactory()
    assert permissions.get_consultation_for_outcome(staff, str(consultation.pk)) == consultation
    assert permissions.get_consultation_for_outcome(staff, second.pk) == second
    assert permissions.get_consultation_for_outcome(world.expert.user, second.pk) == second
    for user in (world.manager, other_world.expert.user, UserFactory(), AnonymousUser()):
        with pytest.raises(Http404):
            permissions.get_consultation_for_outcome(user, consultation.pk)
    for pk in ("abc", second.pk + 1000):
        with pytest.raises(Http404):
            permissions.get_consultation_for_outcome(staff, pk)


def test_only_programme_staff_reach_a_consultation_to_reassign_it(world, consultation):
    """Staff reach any consultation by its id; its manager, its expert, a signed-in stranger and anonymous
    people get 404, as staff do for malformed and missing ids."""
    second = ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(6, 10))
    staff = StaffFactory()
    assert permissions.get_consultation_for_staff(staff, str(consultation.pk)) == consultation
    assert permissions.get_consultation_for_staff(staff, second.pk) == second
    for user in (world.manager, world.expert.user, UserFactory(), AnonymousUser()):
        with pytest.raises(Http404):
            permissions.get_consultation_for_staff(user, consultation.pk)
    for pk in ("abc", second.pk + 1000):
        with pytest.raises(Http404):
            permissions.get_consultation_for_staff(staff, pk)


def test_contacts_are_the_other_side_once_confirmed(world, consultation):
    """Before the expert confirms nobody sees contacts; once confirmed the manager sees the expert, the expert
    the cluster's managers (not themselves, by last name) and someone of neither side nobody."""
    deputy = UserFactory(last_name="Aaronson")
    world.cluster.managers.add(deputy, world.expert.user)
    world.manager.last_name = "Zed"
    world.manager.save()
    assert session_contacts(consultation, is_manager=True, is_expert=False) == [world.expert.user]
    assert session_contacts(consultation, is_manager=False, is_expert=True) == [deputy, world.manager]
    assert session_contacts(consultation, is_manager=True, is_expert=True) == [deputy, world.manager]
    assert session_contacts(consultation, is_manager=False, is_expert=False) == []
    requested = ConsultationFactory(agreement=world.agreement, expert=world.expert, starts_at=local_at(6, 10))
    assert session_contacts(requested, is_manager=True, is_expert=False) == []
    assert session_contacts(requested, is_manager=False, is_expert=True) == []
