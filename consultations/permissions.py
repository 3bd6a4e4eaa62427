"""Who may see or change which consultation. Views ask here, nowhere else.

Every lookup answers 404 for a malformed id, a missing row and a row the person may not see alike,
so nobody learns that another cluster's consultation exists.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from clusters.models import Cluster
from clusters.permissions import managed_clusters_for
from inolink.http import int_or_404

from .models import Consultation, Expert
from .selectors import consultation_detail_queryset


def expert_for(user) -> Expert | None:
    if not user.is_authenticated:
        return None
    return Expert.objects.select_related("user").filter(user=user).first()


def require_expert(user) -> Expert:
    expert = expert_for(user)
    if expert is None:
        raise Http404
    return expert


def is_programme_staff(user) -> bool:
    return user.is_authenticated and user.is_staff


def consultations_visible_to(user):
    """A manager sees their clusters' consultations; an expert their own sessions."""
    if not user.is_authenticated:
        return Consultation.objects.none()
    return Consultation.objects.filter(
        Q(cluster__in=Cluster.objects.managed_by(user).values("pk")) | Q(expert__user=user)
    )


def consultations_readable_by(user):
    """What a person may read of consultations: programme staff every one (they act on any session: an escalation's
    email and the admin's "view on site" lead to its page), everyone else ``consultations_visible_to``."""
    if is_programme_staff(user):
        return Consultation.objects.all()
    return consultations_visible_to(user)


def consultations_managed_by(user):
    if not user.is_authenticated:
        return Consultation.objects.none()
    return Consultation.objects.filter(cluster__in=Cluster.objects.managed_by(user).values("pk"))


def consultations_managed_in(request):
    """``consultations_managed_by(request.user)`` for the managed clusters already read for the request.

    Filtered on their ids: with a subquery instead, PostgreSQL takes milliseconds to plan a list's row query
    joined with its area and expert.
    """
    return Consultation.objects.filter(cluster__in=[cluster.pk for cluster in managed_clusters_for(request)])


def consultations_of_expert(user):
    if not user.is_authenticated:
        return Consultation.objects.none()
    return Consultation.objects.filter(expert__user=user)


def sessions_of(expert: Expert):
    """``consultations_of_expert`` for the expert already read (``require_expert``): filtered on the expert's id,
    so a list reads along the (expert, starts_at) index without joining the experts."""
    return Consultation.objects.filter(expert=expert)


def get_consultation_for(user, pk) -> Consultation:
    """For reading: the cluster's manager, the session's expert, or programme staff."""
    return get_object_or_404(consultation_detail_queryset(consultations_readable_by(user)), pk=int_or_404(pk))


def get_consultation_for_manager(user, pk) -> Consultation:
    """For the cluster's actions: reschedule, cancel, rate, .ics."""
    return get_object_or_404(consultation_detail_queryset(consultations_managed_by(user)), pk=int_or_404(pk))


def get_consultation_for_expert(user, pk) -> Consultation:
    """For the expert's actions: confirm, decline, outcome."""
    return get_object_or_404(consultation_detail_queryset(consultations_of_expert(user)), pk=int_or_404(pk))


def get_consultation_for_outcome(user, pk) -> Consultation:
    """For the outcome: the session's expert, or programme staff logging or correcting it on the expert's behalf."""
    if is_programme_staff(user):
        return get_object_or_404(consultation_detail_queryset(Consultation.objects.all()), pk=int_or_404(pk))
    return get_consultation_for_expert(user, pk)


def get_consultation_for_staff(user, pk) -> Consultation:
    """For programme staff's actions on any consultation (reassigning it); 404 for everyone else."""
    if not is_programme_staff(user):
        raise Http404
    return get_object_or_404(consultation_detail_queryset(Consultation.objects.all()), pk=int_or_404(pk))
