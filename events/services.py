"""Every write of the events app, one function per action.

Rule errors are raised as ``ValidationError`` (with a field when one is to blame), before anything is written.
Functions that use up or free an event's places lock the event row with the application (``inolink.locking.lock``,
one owner per transaction), re-count, then write: approvals never exceed the places, whatever runs at the same
moment. Every ``Decision`` (staff's, or an automatic promotion) is announced to the cluster's managers by
``message_kinds.decision_notify`` inside the same transaction, which marks its ``notified_at``; the email itself
goes out after the commit. Publishing and cancelling an event go through ``event_publish`` and ``event_cancel``.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import IndicatorArea
from inolink.history import save_with_many_to_many
from inolink.locking import lock

from .message_kinds import application_received_notify, decision_notify, event_cancelled_notify, event_moved_notify
from .models import Decision, Delegate, Event, FundingIntent, Outcome, Participation, PartnershipLead


@dataclass(frozen=True)
class DelegateData:
    full_name: str
    role: str


@dataclass(frozen=True)
class LeadData:
    organisation: str
    country: str
    topic: str
    next_step: str = ""


def _lock_application(participation: Participation) -> Participation:
    """Lock the event (the owner of its places) and the application, in ``lock``'s fixed order."""
    event, current = lock(Event(pk=participation.event_id), participation)
    current.event = event
    return current


def event_publish(*, event: Event, by) -> Event:
    """Staff publish a draft event (``Event.publish_refusal``); when and by whom is recorded with it.

    Clusters see it on their event list from now on (announcing it to audiences is a later issue).
    """
    with transaction.atomic():
        (current,) = lock(event)
        refusal = current.publish_refusal()
        if refusal:
            raise ValidationError(refusal)
        current.status = Event.Status.PUBLISHED
        current.published_at = timezone.now()
        current.status_changed_by = by
        current.save(update_fields=["status", "published_at", "status_changed_by", "updated_at"])
    return current


def event_cancel(*, event: Event, reason: str, by) -> Event:
    """Staff cancel an event that has not ended (``Event.cancel_refusal``), with a reason that the managers of
    every cluster with a live application (applied, approved, waitlisted) receive by email. The applications
    keep their status; a cancelled event takes only rejections from now on."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the clusters a reason for the cancellation.")})
    with transaction.atomic():
        (current,) = lock(event)
        refusal = current.cancel_refusal()
        if refusal:
            raise ValidationError(refusal)
        current.status = Event.Status.CANCELLED
        current.cancelled_at = timezone.now()
        current.cancel_reason = reason
        current.status_changed_by = by
        current.save(update_fields=["status", "cancelled_at", "cancel_reason", "status_changed_by", "updated_at"])
        event_cancelled_notify(current)
    return current


def _approved_count(event: Event, *, excluding: int | None = None) -> int:
    approved = Participation.objects.filter(event=event, status=Participation.Status.APPROVED)
    if excluding is not None:
        approved = approved.exclude(pk=excluding)
    return approved.count()


def _has_free_place(event: Event, *, excluding: int | None = None) -> bool:
    return event.places is None or _approved_count(event, excluding=excluding) < event.places


def check_can_apply(event: Event, *, now=None) -> None:
    """Whether clusters may apply to the event now; raises a clear error when not."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event has been cancelled."))
    if event.status != Event.Status.PUBLISHED:
        raise ValidationError(_("This event is not open for applications."))
    if event.is_funding_call:
        raise ValidationError(_("Funding calls take no applications here: mark your cluster's intent instead."))
    if not event.accepts_applications(now):
        raise ValidationError(_("The registration deadline for this event has passed."))


def check_support(*, support_needed: bool, support_details: str) -> None:
    """The support wanted is described when, and only when, the cluster asks for support.

    The second half is also the database constraint ``events_participation_support_details_only_when_needed``:
    text typed without ticking the box is refused rather than silently dropped.
    """
    details = support_details.strip()
    if support_needed and not details:
        raise ValidationError({"support_details": _("Say what support your cluster needs.")})
    if details and not support_needed:
        raise ValidationError(
            {"support_details": _("Tick “We need support from the programme” above, or clear this text.")}
        )


def participation_apply(
    *,
    event: Event,
    cluster,
    user,
    motivation: str,
    delegates: Sequence[DelegateData],
    support_needed: bool = False,
    support_details: str = "",
) -> Participation:
    """A cluster applies to a published event before its deadline, once, naming 1 to the allowed delegates.

    When every place is taken already, the application joins the waiting list at once (the page said "Join the
    waiting list"): it is promoted, like any waitlisted one, when a place comes free. Whether the event is full is
    counted under the event's lock. The cluster's managers receive a confirmation by email.
    """
    check_can_apply(event)
    delegates = _named_delegates(event, delegates)
    if not motivation.strip():
        raise ValidationError({"motivation": _("Tell us why your cluster wants to take part.")})
    check_support(support_needed=support_needed, support_details=support_details)
    existing = Participation.objects.filter(event=event, cluster=cluster).first()
    if existing is not None:
        raise ValidationError(existing.reapply_refusal)
    now = timezone.now()
    try:
        with transaction.atomic():
            (locked,) = lock(event)
            full = not _has_free_place(locked)
            participation = Participation.objects.create(
                event=locked,
                cluster=cluster,
                applied_by=user,
                applied_at=now,
                status=Participation.Status.WAITLISTED if full else Participation.Status.APPLIED,
                waitlisted_at=now if full else None,
                motivation=motivation.strip(),
                support_needed=support_needed,
                support_details=support_details.strip(),
            )
            Delegate.objects.bulk_create(
                Delegate(participation=participation, full_name=d.full_name.strip(), role=d.role.strip(), position=i)
                for i, d in enumerate(delegates)
            )
            application_received_notify(participation)
    except IntegrityError as error:  # a second request from the same cluster won the race
        raise ValidationError(_("Your cluster has already applied to this event.")) from error
    return participation


def _named_delegates(event: Event, delegates: Sequence[DelegateData]) -> list[DelegateData]:
    """The delegates with a name: at least one, at most the event's number per cluster."""
    delegates = [d for d in delegates if d.full_name.strip()]
    if not delegates:
        raise ValidationError(_("Name at least one delegate."))
    if len(delegates) > event.delegates_per_cluster:
        raise ValidationError(
            _("This event takes at most %(count)s delegates per cluster.") % {"count": event.delegates_per_cluster}
        )
    return delegates


def participation_change(
    *,
    participation: Participation,
    user,
    delegates: Sequence[DelegateData],
    support_needed: bool = False,
    support_details: str = "",
) -> Participation:
    """The cluster changes its application's delegates and the support it wants until the registration deadline
    (``Participation.change_refusal``); the status and the place in the queue stay as they are, and the history
    keeps every version (who changed it, when)."""
    delegates = _named_delegates(participation.event, delegates)
    check_support(support_needed=support_needed, support_details=support_details)
    with transaction.atomic():
        (current,) = lock(participation)
        refusal = current.change_refusal()
        if refusal:
            raise ValidationError(refusal)
        current.support_needed, current.support_details = support_needed, support_details.strip()
        current.save(update_fields=["support_needed", "support_details"])
        kept = list(current.delegates.order_by("position", "pk"))
        for position, data in enumerate(delegates):
            full_name, role = data.full_name.strip(), data.role.strip()
            if position < len(kept):
                delegate = kept[position]
                if (delegate.full_name, delegate.role, delegate.position) != (full_name, role, position):
                    delegate.full_name, delegate.role, delegate.position = full_name, role, position
                    delegate.save(update_fields=["full_name", "role", "position"])
            else:
                Delegate.objects.create(participation=current, full_name=full_name, role=role, position=position)
        for dropped in kept[len(delegates) :]:
            dropped.delete()  # the delegate's history keeps who it was
    participation.refresh_from_db()
    return current


def _promote_from_waitlist(event: Event, *, now) -> Participation | None:
    """Approve the first cluster on the waiting list when a place is free. The caller holds the event lock."""
    if event.has_started(now) or not _has_free_place(event):
        return None
    first = (
        Participation.objects.select_for_update()
        .filter(event=event, status=Participation.Status.WAITLISTED)
        .order_by(*Participation.WAITLIST_ORDER)
        .first()
    )
    if first is None:
        return None
    first.status = Participation.Status.APPROVED
    first.save(update_fields=["status"])
    promotion = Decision.objects.create(
        participation=first,
        kind=Decision.Kind.PROMOTED,
        note=_("A place became free and the cluster was first on the waiting list."),
        decided_at=now,
    )
    decision_notify(promotion)
    return first


def participation_withdraw(*, participation: Participation, user) -> Participation | None:
    """The cluster withdraws a live application until the event starts.

    When it held an approved place, the first waitlisted cluster is promoted; that one is returned.
    """
    now = timezone.now()
    with transaction.atomic():
        current = _lock_application(participation)
        event = current.event
        refusal = current.withdrawal_refusal(now)
        if refusal:
            raise ValidationError(refusal)
        held_a_place = current.status == Participation.Status.APPROVED
        current.status = Participation.Status.WITHDRAWN
        current.withdrawn_at = now
        current.withdrawn_by = user
        current.save(update_fields=["status", "withdrawn_at", "withdrawn_by"])
        promoted = _promote_from_waitlist(event, now=now) if held_a_place else None
    participation.refresh_from_db()
    return promoted


def participation_decide(*, participation: Participation, kind: str, user, note: str = "") -> Decision:
    """Staff approve, waitlist or reject an application (a rejection needs a note).

    Approval takes a place: the event is locked and its approved applications re-counted first.
    """
    if kind not in Decision.STAFF_KINDS:
        raise ValidationError({"kind": _("Choose approve, waiting list or reject.")})
    note = (note or "").strip()
    if kind == Decision.Kind.REJECTED and not note:
        raise ValidationError({"note": _("Give the cluster a reason for the rejection.")})
    now = timezone.now()
    result = Decision.RESULT[kind]
    with transaction.atomic():
        current = _lock_application(participation)
        event = current.event
        refusal = current.decision_refusal(kind)
        if refusal:
            raise ValidationError(refusal)
        if kind == Decision.Kind.APPROVED and not _has_free_place(event, excluding=current.pk):
            raise ValidationError(
                _("No places left for %(cluster)s: all %(places)s places are taken. Put it on the waiting list.")
                % {"cluster": current.cluster, "places": event.places}
            )
        current.status = result
        fields = ["status"]
        if result == Participation.Status.WAITLISTED:
            current.waitlisted_at = now
            fields.append("waitlisted_at")
        current.save(update_fields=fields)
        decision = Decision.objects.create(participation=current, kind=kind, note=note, decided_by=user, decided_at=now)
        decision_notify(decision)
    participation.refresh_from_db()
    return decision


def participations_decide(*, participations: Iterable[Participation], kind: str, user, note: str = ""):
    """Bulk decision: each application on its own (one lock per transaction). Returns (decisions, errors)."""
    decisions, errors = [], []
    for participation in participations:
        try:
            decisions.append(participation_decide(participation=participation, kind=kind, user=user, note=note))
        except ValidationError as error:
            errors.extend(error.messages)
    return decisions, errors


def outcome_report(
    *,
    participation: Participation,
    user,
    attended: bool,
    contacts_made: int,
    notes: str = "",
    new_leads: Sequence[LeadData] = (),
    indicator_areas: Iterable[IndicatorArea] = (),
) -> Outcome:
    """After an event ends, the approved cluster reports what it brought back (and, optionally, the indicator areas
    it served); later reports amend it and add leads."""
    now = timezone.now()
    with transaction.atomic():
        (current,) = lock(participation)
        if current.status != Participation.Status.APPROVED:
            raise ValidationError(_("Only an approved application can have an outcome."))
        if not current.event.has_ended(now):
            raise ValidationError(_("The outcome can be reported once the event has ended."))
        if contacts_made < 0:
            raise ValidationError({"contacts_made": _("The number of contacts cannot be negative.")})
        # The participation's lock serialises its reports: the first one creates the outcome.
        outcome = Outcome.objects.filter(participation=current).first() or Outcome(
            participation=current, reported_by=user, reported_at=now
        )
        outcome.attended, outcome.contacts_made, outcome.notes = attended, contacts_made, notes.strip()
        save_with_many_to_many(outcome, indicator_areas=indicator_areas)
        for lead in new_leads:
            PartnershipLead.objects.create(
                outcome=outcome,
                organisation=lead.organisation.strip(),
                country=lead.country,
                topic=lead.topic.strip(),
                next_step=lead.next_step.strip(),
            )
    return outcome


def funding_intent_set(
    *,
    event: Event,
    cluster,
    user,
    status: str,
    submitted_on=None,
    decided_on=None,
    note: str = "",
    indicator_areas: Iterable[IndicatorArea] = (),
) -> FundingIntent:
    """A cluster marks where it stands with a published funding call; every change is kept in the history."""
    if not event.is_funding_call:
        raise ValidationError(_("Only funding calls take an intent."))
    if event.status != Event.Status.PUBLISHED:
        raise ValidationError(_("This funding call is not published."))
    candidate = FundingIntent(
        event=event,
        cluster=cluster,
        status=status,
        submitted_on=submitted_on,
        decided_on=decided_on,
        note=(note or "").strip(),
        updated_by=user,
    )
    candidate.full_clean(exclude=["event", "cluster", "updated_by"], validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        # The cluster's lock serialises its marks: the first one for the call creates the intent.
        lock(cluster)
        intent = FundingIntent.objects.filter(event=event, cluster=cluster).first() or candidate
        intent.status, intent.submitted_on, intent.decided_on = candidate.status, submitted_on, decided_on
        intent.note, intent.updated_by = candidate.note, user
        save_with_many_to_many(intent, indicator_areas=indicator_areas)
    return intent


# Saving an event's details (issue 15) ---------------------------------------------------------------------------

MOVE_FIELDS = ("starts_at", "ends_at", "country", "city", "venue")
STATUS_FIELDS = ("status", "published_at", "cancelled_at", "cancel_reason", "status_changed_by_id")


def event_save(*, event: Event, by) -> Event:
    """Staff save an event's details (the admin's form). Its status stays as committed (it changes only through
    ``event_publish`` and ``event_cancel``). When a published event's date or place changes, the managers of every
    approved cluster are told the new one beside the old (``event_moved_notify``)."""
    with transaction.atomic():
        if event.pk is None:
            event.save()
            return event
        (before,) = lock(event)
        for name in STATUS_FIELDS:
            setattr(event, name, getattr(before, name))
        event.save()
        moved = any(getattr(before, name) != getattr(event, name) for name in MOVE_FIELDS)
        if moved and event.status == Event.Status.PUBLISHED:
            event_moved_notify(event, before=before)
    return event
