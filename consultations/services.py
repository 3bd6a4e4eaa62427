"""The writes of consultations and of the hours they draw on: one function per action, atomic.

Scarce things are an expert's time and a cluster's hours. Every write that takes either locks the rows it
needs (the allocation, the consultation, the expert) in one ``inolink.locking.lock`` call, which takes them
in a fixed order, re-checks the rules against what is committed, and only then writes. On PostgreSQL an
exclusion constraint is the last word on overlaps; on SQLite the IMMEDIATE transaction serialises writers, so the
re-check holds there too.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agreements.models import Agreement
from clusters.models import IndicatorArea
from inolink.formatting import hours as format_hours
from inolink.history import save_with_many_to_many
from inolink.locking import lock

from .message_kinds import consultation_notify, thread_message_notify
from .models import (
    HOURS,
    MESSAGE_MAX_LENGTH,
    CalendarFeed,
    Consultation,
    ConsultationChange,
    ConsultationMessage,
    Expert,
    ExtraHours,
    HourAllocation,
    Rating,
    SessionOutcome,
    WeeklyAvailability,
    counted_hours,
    extra_hours_dispute_days,
    new_calendar_token,
    weekly_overlap_message,
    weekly_overlaps,
)
from .places import LITHUANIAN_CITIES
from .selectors import (
    BOOKING_LENGTHS,
    LAST_WEEK,
    booking_allocation,
    buffer,
    earliest_start,
    latest_start,
    slot_is_free,
)

SLOT_TAKEN = _("This time was just taken by another booking. Please pick another slot.")


def _announce(
    action: str, consultation: Consultation, *, by=None, previous_starts_at=None, change=None, note: str = ""
) -> None:
    """Record the emails inside the transaction: they exist only if it commits."""
    consultation_notify(action, consultation, by=by, previous_starts_at=previous_starts_at, change=change, note=note)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    return reason


def _check_details(*, format, city, address, meeting_url, topic) -> dict:
    errors = {}
    if not (topic or "").strip():
        errors["topic"] = _("Give the topic of the consultation.")
    if format == Consultation.Format.ONSITE:
        if city not in LITHUANIAN_CITIES:
            errors["city"] = _("On-site consultations take place in Lithuania: choose a Lithuanian city.")
        if not (address or "").strip():
            errors["address"] = _("Give the street address in Lithuania.")
    elif format == Consultation.Format.ONLINE:
        # The link may be left for the expert to add when confirming (``Consultation.awaits_meeting_link``).
        if (meeting_url or "").strip() and not meeting_url.strip().startswith("https://"):
            errors["meeting_url"] = _("The meeting link must start with https://.")
    else:
        errors["format"] = _("Choose on-site or online.")
    if errors:
        raise ValidationError(errors)
    if format == Consultation.Format.ONSITE:
        return {"city": city, "address": address.strip(), "meeting_url": ""}
    return {"city": "", "address": "", "meeting_url": (meeting_url or "").strip()}


def _check_time(*, starts_at, hours, now=None) -> datetime.datetime:
    if hours not in BOOKING_LENGTHS:
        raise ValidationError({"hours": _("A consultation lasts from 1 to 4 hours, in half hours.")})
    if starts_at is None:
        raise ValidationError({"starts_at": _("Pick a time.")})
    now = now or timezone.now()
    if starts_at <= now:
        raise ValidationError({"starts_at": _("This time is in the past. Pick a time in the future.")})
    # Before the end is computed: 9999-12-31 plus the length is beyond the last date Python holds (OverflowError).
    if starts_at >= latest_start(now):
        raise ValidationError({"starts_at": _("Book at most %(weeks)s weeks ahead.") % {"weeks": LAST_WEEK + 1}})
    if starts_at < earliest_start(now):
        notice = settings.CONSULTATION_MIN_NOTICE_HOURS
        raise ValidationError(
            {
                "starts_at": ngettext(
                    "Book at least %(hours)s hour ahead.", "Book at least %(hours)s hours ahead.", notice
                )
                % {"hours": notice}
            }
        )
    return starts_at + datetime.timedelta(hours=float(hours))


def _check_expert(expert: Expert, service_area) -> None:
    if not expert.is_active:
        raise ValidationError({"expert": _("This expert is not taking consultations at the moment.")})
    if not expert.service_areas.filter(pk=service_area.pk).exists():
        raise ValidationError({"expert": _("This expert does not consult in the chosen service area.")})


def _check_expert_free(expert: Expert, *, starts_at, ends_at, exclude=None) -> None:
    """No live booking of the expert (nor a time they proposed) within the buffer, and the time inside their
    working hours."""
    pad = buffer()
    clash = Consultation.objects.taking_time(starts_at - pad, ends_at + pad).filter(expert=expert)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError({"starts_at": SLOT_TAKEN})
    if not slot_is_free(expert, starts_at=starts_at, ends_at=ends_at):
        raise ValidationError({"starts_at": _("The expert does not work at this time. Pick one of the free slots.")})


NO_ACTIVE_AGREEMENT = _("Your cluster has no active agreement, so consultations cannot be booked.")
NO_HOURS_IN_AREA = _("Your agreement has no hours in this service area.")


def _not_enough_hours(left, service_area, hours) -> str:
    return _("Only %(left)s left in %(area)s; this booking needs %(hours)s.") % {
        "left": format_hours(left),
        "area": service_area,
        "hours": format_hours(hours),
    }


@dataclass
class BookingStatus:
    """What the slot picker can tell before a time is picked: the hours the booking would draw on and, when
    booking cannot succeed, why, in the words ``consultation_book`` would refuse it with."""

    allocation: HourAllocation | None
    has_agreement: bool
    refusal: str | None


def booking_status(cluster, service_area, hours) -> BookingStatus:
    """The booking checks of ``consultation_book`` that need no chosen time; one query, two without hours."""
    allocation = booking_allocation(cluster, service_area)
    if allocation is None:
        has_agreement = Agreement.objects.booking_for(cluster).exists()
        return BookingStatus(None, has_agreement, NO_HOURS_IN_AREA if has_agreement else NO_ACTIVE_AGREEMENT)
    short = allocation.hours_remaining < hours
    return BookingStatus(
        allocation, True, _not_enough_hours(allocation.hours_remaining, service_area, hours) if short else None
    )


def _active_agreement(cluster) -> Agreement:
    agreement = Agreement.objects.booking_for(cluster).first()
    if agreement is None:
        raise ValidationError({"service_area": NO_ACTIVE_AGREEMENT})
    return agreement


def _allocation(*, agreement_id, service_area_id) -> HourAllocation | None:
    """The allocation a consultation draws on (to be locked), or None when the agreement has no hours in the area."""
    return HourAllocation.objects.only("pk").filter(agreement_id=agreement_id, service_area_id=service_area_id).first()


def _check_hours(allocation: HourAllocation | None, *, service_area, hours, releasing: Decimal = Decimal("0")) -> None:
    """With the allocation locked, check the hours left (plus any hours this change gives back)."""
    if allocation is None:
        raise ValidationError({"service_area": NO_HOURS_IN_AREA})
    remaining = HourAllocation.objects.with_usage().get(pk=allocation.pk).hours_remaining
    left = max(remaining + releasing, 0)
    if left < hours:
        raise ValidationError({"hours": _not_enough_hours(left, service_area, hours)})


def _save(consultation: Consultation) -> None:
    """Write, turning the PostgreSQL exclusion constraint's refusal into the same message as the re-check."""
    try:
        with transaction.atomic():
            consultation.save()
    except IntegrityError as error:
        if "consultations_no_expert_overlap" in str(error):
            raise ValidationError({"starts_at": SLOT_TAKEN}) from error
        raise


def consultation_book(
    *,
    cluster,
    service_area,
    expert: Expert,
    starts_at: datetime.datetime,
    hours: Decimal,
    format: str,
    topic: str,
    agenda: str = "",
    city: str = "",
    address: str = "",
    meeting_url: str = "",
    booked_by,
) -> Consultation:
    """A cluster manager requests a consultation.

    Rules: the person manages the cluster; the cluster has an active agreement with hours left in the area;
    the expert is active and consults in the area; the time is at least the minimum notice ahead, inside the
    expert's working hours and clear of their live bookings (with the buffer); 1–4 hours; on-site in a
    Lithuanian city with an address, or online, with a link or leaving it for the expert to add when confirming.
    """
    if not cluster.is_managed_by(booked_by):
        raise ValidationError({"service_area": _("You do not manage this cluster.")})
    details = _check_details(format=format, city=city, address=address, meeting_url=meeting_url, topic=topic)
    ends_at = _check_time(starts_at=starts_at, hours=hours)
    with transaction.atomic():
        agreement = _active_agreement(cluster)
        allocation, locked_expert = lock(
            _allocation(agreement_id=agreement.pk, service_area_id=service_area.pk), Expert(pk=expert.pk)
        )
        _check_expert(locked_expert, service_area)
        _check_hours(allocation, service_area=service_area, hours=hours)
        _check_expert_free(locked_expert, starts_at=starts_at, ends_at=ends_at)
        consultation = Consultation(
            cluster=cluster,
            agreement=agreement,
            service_area=service_area,
            expert=locked_expert,
            booked_by=booked_by,
            starts_at=starts_at,
            ends_at=ends_at,
            hours=hours,
            format=format,
            topic=topic.strip(),
            agenda=(agenda or "").strip(),
            **details,
        )
        _save(consultation)
        _announce("requested", consultation, by=booked_by)
    return consultation


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise ValidationError(refusal)


def consultation_confirm(
    *, consultation: Consultation, by, meeting_url: str | None = None, note: str = ""
) -> Consultation:
    """The expert accepts a request that has not started yet (``Consultation.confirm_refusal``).

    For an online session the expert may give (or replace) the meeting link, and must give it when the cluster
    left it to them (``Consultation.awaits_meeting_link``): a confirmed online session has a link to join. A note
    goes to the session's thread, so the cluster reads it with the confirmation.
    """
    meeting_url = _check_confirm_link(consultation, meeting_url)
    note = (note or "").strip()
    if len(note) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"note": _("Keep the note under %(limit)s characters.") % {"limit": MESSAGE_MAX_LENGTH}})
    with transaction.atomic():
        (consultation,) = lock(consultation)
        _refuse(consultation.confirm_refusal())
        if not meeting_url and consultation.awaits_meeting_link:
            raise ValidationError({"meeting_url": LINK_TO_ADD})
        consultation.status = Consultation.Status.CONFIRMED
        consultation.confirmed_at = timezone.now()
        consultation.status_reason = ""  # an earlier reason (a staff decision) is not the expert's
        _clear_proposal(consultation)
        consultation.status_changed_by = by
        if meeting_url:
            consultation.meeting_url = meeting_url
        consultation.save()
        if note:
            ConsultationMessage.objects.create(consultation=consultation, author=by, body=note)
        _announce("confirmed", consultation, by=by, note=note)
    return consultation


LINK_TO_ADD = _("Add the meeting link: the cluster left it for you to give when confirming.")
LINK_KEPT = _("The expert has already confirmed: an online session needs its meeting link now.")
LINK_WITH_PROPOSAL = _(
    "Add the meeting link: the cluster left it for you to give, and the session is confirmed with it if the "
    "cluster takes the time you propose."
)


def _check_confirm_link(consultation: Consultation, meeting_url: str | None) -> str:
    meeting_url = (meeting_url or "").strip()
    if not meeting_url:
        return ""
    if consultation.format != Consultation.Format.ONLINE:
        raise ValidationError({"meeting_url": _("An on-site consultation has no meeting link.")})
    if not meeting_url.startswith("https://"):
        raise ValidationError({"meeting_url": _("The meeting link must start with https://.")})
    return meeting_url


def consultation_decline(*, consultation: Consultation, by, reason: str) -> Consultation:
    """The expert turns down a request (or a confirmed session that has not started), with a reason
    (``Consultation.decline_refusal``)."""
    reason = _require_reason(reason)
    with transaction.atomic():
        (consultation,) = lock(consultation)
        _refuse(consultation.decline_refusal())
        consultation.status = Consultation.Status.DECLINED
        consultation.status_reason = reason
        _clear_proposal(consultation)
        consultation.status_changed_by = by
        consultation.declined_at = timezone.now()
        consultation.save()
        _announce("declined", consultation, by=by)
    return consultation


def consultation_cancel(*, consultation: Consultation, by, reason: str) -> Consultation:
    """The cluster cancels a live booking until the change deadline (``Consultation.change_refusal``), with a
    reason; its hours return."""
    reason = _require_reason(reason)
    with transaction.atomic():
        (consultation,) = lock(consultation)
        _refuse(consultation.change_refusal())
        consultation.status = Consultation.Status.CANCELLED
        consultation.status_reason = reason
        _clear_proposal(consultation)
        consultation.status_changed_by = by
        consultation.cancelled_at = timezone.now()
        consultation.save()
        _announce("cancelled", consultation, by=by)
    return consultation


def consultation_reschedule(
    *, consultation: Consultation, starts_at: datetime.datetime, hours: Decimal, by, reason: str
) -> Consultation:
    """The cluster moves a live booking to another free slot of the same expert, until the change deadline
    (``Consultation.change_refusal``).

    The new time goes back to "requested" for the expert to confirm; the same time and hours rules as booking apply.
    """
    reason = _require_reason(reason)
    ends_at = _check_time(starts_at=starts_at, hours=hours)
    with transaction.atomic():
        allocation, current, expert = lock(
            _allocation(agreement_id=consultation.agreement_id, service_area_id=consultation.service_area_id),
            consultation,
            Expert(pk=consultation.expert_id),
        )
        _check_expert(expert, current.service_area)
        _refuse(current.change_refusal())
        _refuse(current.move_refusal(starts_at, hours))
        holding = Consultation.objects.holding_hours().filter(pk=current.pk).exists()
        _check_hours(
            allocation,
            service_area=current.service_area,
            hours=hours,
            releasing=current.hours if holding else Decimal("0"),
        )
        _check_expert_free(expert, starts_at=starts_at, ends_at=ends_at, exclude=current)
        previous_starts_at, previous_ends_at = current.starts_at, current.ends_at
        current.starts_at, current.ends_at, current.hours = starts_at, ends_at, hours
        current.status = Consultation.Status.REQUESTED
        current.confirmed_at = None
        # The reason belongs to the move (its change row), not to the status the expert answers next.
        current.status_reason = ""
        current.status_changed_by = by
        _clear_proposal(current)
        _save(current)
        change = _record_change(
            current,
            kind=ConsultationChange.Kind.RESCHEDULED,
            by=by,
            reason=reason,
            old=(previous_starts_at, previous_ends_at),
            new=(starts_at, ends_at),
        )
        _announce("rescheduled", current, by=by, previous_starts_at=previous_starts_at, change=change)
    return current


def consultation_reassign(*, consultation: Consultation, expert: Expert, by) -> Consultation:
    """Staff hand a live, upcoming consultation to another expert of the same area (overlap rules apply).

    Both experts are locked (``lock`` orders them, so two reassignments never wait on each other crosswise);
    the hours do not change, so the allocation needs no lock. ``Consultation.reassign_refusal`` is the rule.
    """
    with transaction.atomic():
        current, _previous, target = lock(consultation, Expert(pk=consultation.expert_id), expert)
        refusal = current.reassign_refusal(target)
        if refusal:
            raise ValidationError({"expert": refusal} if target.pk == current.expert_id else refusal)
        _check_expert(target, current.service_area)
        _check_expert_free(target, starts_at=current.starts_at, ends_at=current.ends_at, exclude=current)
        current.expert = target
        current.status = Consultation.Status.REQUESTED
        _clear_proposal(current)
        current.confirmed_at = None
        current.status_changed_by = by
        _save(current)
        _announce("reassigned", current, by=by)
    return current


def outcome_check(*, consultation: Consultation, result: str, summary: str, hours_delivered: Decimal | None) -> Decimal:
    """The hours an outcome delivers, checked: held as ``Consultation.accepts_hours_delivered`` allows, no-show 0.

    The values' own rules, which the outcome forms also ask to show the errors at their fields.
    """
    if result == SessionOutcome.Result.HELD:
        if not consultation.accepts_hours_delivered(hours_delivered):
            raise ValidationError({"hours_delivered": consultation.hours_delivered_message()})
    elif result == SessionOutcome.Result.NO_SHOW:
        hours_delivered = Decimal("0")
    else:
        raise ValidationError({"result": _("Choose held or no-show.")})
    if not (summary or "").strip():
        raise ValidationError({"summary": _("Write a short summary.")})
    return hours_delivered


def _outcome_write(
    consultation: Consultation,
    outcome: SessionOutcome | None,
    *,
    by,
    result: str,
    summary: str,
    recommendations: str,
    follow_up_actions: str,
    hours_delivered: Decimal | None,
    indicator_areas: Iterable[IndicatorArea],
    note: str = "",
    staff: bool = False,
) -> SessionOutcome:
    """Write the outcome (with the indicator areas it served) and the consultation's status, recount the
    allocation's delivered hours, and tell the cluster (once: later edits hit the same occasion). The caller holds
    the locks."""
    hours_delivered = outcome_check(
        consultation=consultation, result=result, summary=summary, hours_delivered=hours_delivered
    )
    outcome = outcome or SessionOutcome(consultation=consultation)
    _extra_hours_logged(outcome, consultation, result=result, hours_delivered=hours_delivered, by=by, staff=staff)
    outcome.result = result
    outcome.summary = summary.strip()
    outcome.recommendations = (recommendations or "").strip()
    outcome.follow_up_actions = (follow_up_actions or "").strip()
    outcome.hours_delivered = hours_delivered
    # Staff writing on the expert's behalf say why; the note is kept with the change in the outcome's history.
    outcome._change_reason = consultation._change_reason = note.strip() or None
    save_with_many_to_many(outcome, indicator_areas=indicator_areas)
    if consultation.status != result:
        consultation.status = result
        consultation.status_changed_by = by
        consultation.save()
    outcome_hours_changed(consultation.pk)
    _announce("outcome_logged", consultation, by=by)
    return outcome


def _lock_for_outcome(consultation: Consultation) -> Consultation:
    """Lock the consultation and the allocation whose delivered hours its outcome counts in."""
    allocation = _allocation(agreement_id=consultation.agreement_id, service_area_id=consultation.service_area_id)
    _allocation_row, current = lock(allocation, consultation)
    return current


def outcome_save(
    *,
    consultation: Consultation,
    by,
    result: str,
    summary: str,
    recommendations: str = "",
    follow_up_actions: str = "",
    hours_delivered: Decimal | None,
    indicator_areas: Iterable[IndicatorArea] = (),
    note: str = "",
) -> SessionOutcome:
    """The session's expert logs (or edits, for ``OUTCOME_EDIT_DAYS`` days) its outcome, or programme staff log
    it on the expert's behalf with a ``note`` kept in the history (``Consultation.outcome_refusal``).

    Held: hours delivered as ``Consultation.accepts_hours_delivered`` allows. No-show: 0 hours. The
    allocation's delivered hours are recounted in the same transaction.
    """
    with transaction.atomic():
        consultation = _lock_for_outcome(consultation)
        _refuse(consultation.outcome_refusal(by))
        return _outcome_write(
            consultation,
            SessionOutcome.objects.filter(consultation=consultation).first(),
            by=by,
            result=result,
            summary=summary,
            recommendations=recommendations,
            follow_up_actions=follow_up_actions,
            hours_delivered=hours_delivered,
            indicator_areas=indicator_areas,
            note=note,
        )


def outcome_correct(
    *,
    outcome: SessionOutcome,
    by,
    result: str,
    summary: str,
    recommendations: str = "",
    follow_up_actions: str = "",
    hours_delivered: Decimal | None,
    indicator_areas: Iterable[IndicatorArea] = (),
    note: str = "",
) -> SessionOutcome:
    """Programme staff correct a logged outcome at any time; the same values are accepted as from the expert.

    The consultation's status follows the result, and the allocation's delivered hours are recounted. Hours over
    the booked length that staff set are their decision: they count at once.
    """
    with transaction.atomic():
        consultation = _lock_for_outcome(outcome.consultation)
        current = SessionOutcome.objects.get(pk=outcome.pk)
        return _outcome_write(
            consultation,
            current,
            by=by,
            result=result,
            summary=summary,
            recommendations=recommendations,
            follow_up_actions=follow_up_actions,
            hours_delivered=hours_delivered,
            indicator_areas=indicator_areas,
            note=note,
            staff=True,
        )


def outcome_delete(*, outcome: SessionOutcome, by) -> Consultation:
    """Programme staff remove an outcome logged by mistake: the session is open for its outcome again.

    The consultation goes back to "confirmed" (outcome due), so the hours it delivered are held again rather
    than silently given back, and its expert is asked by email to log the outcome again. A rated session keeps
    its outcome (``SessionOutcome.delete_refusal``).
    """
    with transaction.atomic():
        consultation = _lock_for_outcome(outcome.consultation)
        current = SessionOutcome.objects.filter(pk=outcome.pk).first()
        if current is None:
            return consultation
        _refuse(current.delete_refusal())
        current.delete()
        consultation.status = Consultation.Status.CONFIRMED
        consultation.status_changed_by = by
        consultation.save()
        outcome_hours_changed(consultation.pk)
        _announce("outcome_removed", consultation, by=by)
    return consultation


def consultation_status_change(*, consultation: Consultation, status: str, reason: str, by) -> Consultation:
    """Programme staff change a consultation's status, with a reason that the expert and the cluster's managers
    are told (``Consultation.staff_status_refusal`` says which changes are possible)."""
    reason = _require_reason(reason)
    with transaction.atomic():
        (current,) = lock(consultation)
        _refuse(current.staff_status_refusal(status))
        now = timezone.now()
        current.status = status
        current.status_reason = reason
        _clear_proposal(current)
        current.status_changed_by = by
        if status == Consultation.Status.CONFIRMED:
            current.confirmed_at = now
        elif status == Consultation.Status.DECLINED:
            current.declined_at = now
        elif status == Consultation.Status.CANCELLED:
            current.cancelled_at = now
        current.save()
        _announce("status_changed", current, by=by)
    return current


def rating_create(*, consultation: Consultation, by, score: int, comment: str = "") -> Rating:
    """The cluster's manager rates a held session once, 1 to 5 (``Consultation.rating_refusal``)."""
    if score not in range(1, 6):
        raise ValidationError({"score": _("Give a rating from 1 to 5.")})
    with transaction.atomic():
        (consultation,) = lock(consultation)
        refusal = consultation.rating_refusal(by)
        if refusal:
            raise ValidationError({"score": refusal} if consultation.rating_refusal() else refusal)
        rating = Rating.objects.create(
            consultation=consultation, score=score, comment=(comment or "").strip(), rated_by=by
        )
    return rating


# --- Availability and calendar ---------------------------------------------------------------------------


def availability_save(*, expert: Expert, weekly_formset, exception_formset) -> None:
    """Save an expert's weekly hours and exceptions from the editor's validated formsets in one transaction.

    Weekly hours on one weekday never overlap: checked again under the expert's row lock once the rows are
    written (the form said so first), and on PostgreSQL by the exclusion constraint, checked before returning.
    Removed rows go first, so their time can be given to another row in the same save.
    """
    with transaction.atomic():
        lock(expert)
        for formset in (weekly_formset, exception_formset):
            instances = formset.save(commit=False)
            for instance in formset.deleted_objects:
                instance.delete()
            for instance in instances:
                instance.expert = expert
                instance.save()
        overlaps = weekly_overlaps(WeeklyAvailability.objects.filter(expert=expert))
        if overlaps:
            raise ValidationError(weekly_overlap_message(*overlaps[0]), code="overlap")
        _check_weekly_constraint()


def _check_weekly_constraint() -> None:
    """Have PostgreSQL check the deferred weekly-hours constraint now, not at a commit that may be far off."""
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS consultations_no_weekly_overlap IMMEDIATE")
    except IntegrityError as error:
        raise ValidationError(WEEKLY_OVERLAP, code="overlap") from error


WEEKLY_OVERLAP = _("These weekly hours overlap other hours on the same day.")


def calendar_feed_for(user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_regenerate(*, user) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    with transaction.atomic():
        feed, _created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
        feed.token = new_calendar_token()
        feed.save(update_fields=["token"])
    return feed


def recount_delivered_hours(allocations) -> int:
    """Set each allocation's ``hours_delivered`` to the sum of the hours its sessions' outcomes count
    (``models.counted_hours``: extra hours only once accepted); one UPDATE."""
    delivered = (
        SessionOutcome.objects.filter(
            consultation__agreement_id=OuterRef("agreement_id"),
            consultation__service_area_id=OuterRef("service_area_id"),
        )
        .order_by()
        .values("consultation__agreement_id")
        .annotate(total=Sum(counted_hours()))
        .values("total")
    )
    return allocations.update(
        hours_delivered=Coalesce(Subquery(delivered, output_field=HOURS), Value(Decimal("0")), output_field=HOURS)
    )


def outcome_hours_changed(consultation_id: int) -> None:
    """Recount the allocation a consultation draws on, after one of its outcomes was written or removed.

    The allocation row is locked before the sum is read, so two experts logging outcomes in the same
    allocation at once recount one after the other and the second sum sees the first outcome.
    """
    agreement_id, service_area_id = Consultation.objects.values_list("agreement_id", "service_area_id").get(
        pk=consultation_id
    )
    with transaction.atomic():
        allocation = HourAllocation.objects.filter(agreement_id=agreement_id, service_area_id=service_area_id)
        list(allocation.select_for_update().values_list("pk", flat=True))
        recount_delivered_hours(allocation)


# --- Hours granted ----------------------------------------------------------------------------------------


def _lock_allocation(*, agreement, service_area) -> HourAllocation | None:
    return HourAllocation.objects.select_for_update().filter(agreement=agreement, service_area=service_area).first()


def allocation_set_hours(*, agreement, service_area, hours_granted: Decimal) -> HourAllocation:
    """Staff grant an agreement hours in a service area, or change the grant.

    Rule: never below the hours its sessions already use, delivered plus held
    (``HourAllocation.hours_granted_refusal``), or the cluster and staff would see a negative remainder. The
    allocation row is locked first, as a booking locks it, so no booking slips in between the check and the
    write. Only the grant is written: the delivered hours are the outcomes' (counted afresh for a new
    allocation, as an area given up earlier may have some).
    """
    with transaction.atomic():
        allocation = _lock_allocation(agreement=agreement, service_area=service_area) or HourAllocation(
            agreement=agreement, service_area=service_area
        )
        refusal = allocation.hours_granted_refusal(hours_granted)
        if refusal:
            raise ValidationError({"hours_granted": refusal})
        allocation.hours_granted = hours_granted
        if allocation.pk is None:
            allocation.save()
            recount_delivered_hours(HourAllocation.objects.filter(pk=allocation.pk))
            allocation.refresh_from_db(fields=["hours_delivered"])
        else:
            allocation.save(update_fields=["hours_granted"])
    return allocation


def allocation_delete(*, allocation: HourAllocation) -> None:
    """Staff take an agreement's hours in an area away, only while its sessions use none of them (the same rule
    as granting 0 hours)."""
    with transaction.atomic():
        locked = _lock_allocation(agreement=allocation.agreement_id, service_area=allocation.service_area_id)
        if locked is None:
            return
        refusal = locked.hours_granted_refusal(None)
        if refusal:
            raise ValidationError({"hours_granted": refusal})
        locked.delete()


# --- Extra hours: agreed, not imposed (issue 16) -------------------------------------------------------------


def _extra_hours_logged(outcome: SessionOutcome, consultation: Consultation, *, result, hours_delivered, by, staff):
    """Set where an outcome's hours over the booked length stand when its hours are written.

    Unchanged hours keep their standing (an edited summary does not reopen an answer). New or changed hours over
    the booked length await the cluster for ``EXTRA_HOURS_DISPUTE_DAYS`` days, unless staff set them (their
    decision); hours within the booked length have no extra to agree on.
    """
    if outcome.pk is not None and outcome.hours_delivered == hours_delivered and outcome.result == result:
        return
    outcome.extra_dispute_reason = outcome.extra_decision_note = ""
    outcome.extra_due_at = outcome.extra_decided_by = outcome.extra_decided_at = None
    if result != SessionOutcome.Result.HELD or hours_delivered <= consultation.hours:
        outcome.extra_status = ""
        return
    now = timezone.now()
    if staff:
        outcome.extra_status = ExtraHours.ACCEPTED
        outcome.extra_decided_by, outcome.extra_decided_at = by, now
    else:
        outcome.extra_status = ExtraHours.PENDING
        outcome.extra_due_at = now + datetime.timedelta(days=extra_hours_dispute_days())


def _lock_outcome(outcome: SessionOutcome) -> SessionOutcome:
    """Lock the allocation and the consultation (as every outcome write does), then read the outcome afresh."""
    consultation = _lock_for_outcome(outcome.consultation)
    current = SessionOutcome.objects.get(pk=outcome.pk)
    current.consultation = consultation
    return current


def outcome_extra_accept(*, outcome: SessionOutcome, by) -> SessionOutcome:
    """A cluster manager accepts the hours the expert logged over the booked length: they count from now
    (``SessionOutcome.extra_accept_refusal``). The expert is told."""
    with transaction.atomic():
        current = _lock_outcome(outcome)
        _refuse(current.extra_accept_refusal(by))
        current.extra_status = ExtraHours.ACCEPTED
        current.extra_decided_by, current.extra_decided_at = by, timezone.now()
        current.save()
        outcome_hours_changed(current.consultation_id)
        _announce("extra_accepted", current.consultation, by=by)
    return current


def outcome_extra_dispute(*, outcome: SessionOutcome, by, reason: str) -> SessionOutcome:
    """A cluster manager disputes the extra hours, with a reason, within the dispute window
    (``SessionOutcome.extra_dispute_refusal``): they stay uncounted until staff decide. The expert is told."""
    reason = _require_reason(reason)
    with transaction.atomic():
        current = _lock_outcome(outcome)
        _refuse(current.extra_dispute_refusal(by))
        current.extra_status = ExtraHours.DISPUTED
        current.extra_dispute_reason = reason
        current.save()
        _announce("extra_disputed", current.consultation, by=by)
    return current


def outcome_extra_resolve(*, outcome: SessionOutcome, by, accept: bool, note: str) -> SessionOutcome:
    """Programme staff decide on disputed (or still open) extra hours, with a note both sides read
    (``SessionOutcome.extra_resolve_refusal``): accepted ones count, refused ones never do."""
    note = _require_reason(note)
    with transaction.atomic():
        current = _lock_outcome(outcome)
        _refuse(current.extra_resolve_refusal())
        current.extra_status = ExtraHours.ACCEPTED if accept else ExtraHours.REFUSED
        current.extra_decision_note = note
        current.extra_decided_by, current.extra_decided_at = by, timezone.now()
        current.save()
        outcome_hours_changed(current.consultation_id)
        _announce("extra_resolved", current.consultation, by=by)
    return current


EXTRA_SETTLE_BATCH = 100


def extra_hours_settle_lapsed(now: datetime.datetime | None = None) -> int:
    """The periodic sweep (``consultations.tasks.settle_extra_hours``): extra hours nobody disputed within the
    window count. Each outcome is settled in its own short transaction, under the same locks as any outcome
    write and re-checked there, so a dispute sent at the last moment wins or loses cleanly. Returns how many."""
    now = now or timezone.now()
    settled = 0
    due = SessionOutcome.objects.filter(extra_status=ExtraHours.PENDING, extra_due_at__lte=now).order_by("pk")
    last_pk = 0
    while batch := list(due.filter(pk__gt=last_pk).select_related("consultation")[:EXTRA_SETTLE_BATCH]):
        last_pk = batch[-1].pk
        for outcome in batch:
            with transaction.atomic():
                current = _lock_outcome(outcome)
                if current.extra_status != ExtraHours.PENDING or current.extra_due_at > now:
                    continue
                current.extra_status = ExtraHours.ACCEPTED
                current.extra_decided_at = now
                current.save()
                outcome_hours_changed(current.consultation_id)
                settled += 1
    return settled


# --- Changes of time and details, proposals (issue 16) ------------------------------------------------------


def _role(consultation: Consultation, user) -> str:
    """In which role ``user`` acts on ``consultation``: its cluster's manager, its expert, or programme staff."""
    if consultation.cluster.is_managed_by(user):
        return ConsultationChange.Role.MANAGER
    if consultation.expert.user_id == user.pk:
        return ConsultationChange.Role.EXPERT
    return ConsultationChange.Role.STAFF


def _record_change(consultation: Consultation, *, kind, by, reason="", old=None, new=None, fields=()):
    old_starts, old_ends = old or (None, None)
    new_starts, new_ends = new or (None, None)
    return ConsultationChange.objects.create(
        consultation=consultation,
        kind=kind,
        by=by,
        role=_role(consultation, by),
        reason=(reason or "").strip(),
        old_starts_at=old_starts,
        old_ends_at=old_ends,
        new_starts_at=new_starts,
        new_ends_at=new_ends,
        fields_changed=",".join(fields),
    )


def _clear_proposal(consultation: Consultation) -> None:
    """A pending proposal ends with any change of status, time or expert (it was an answer to that request)."""
    consultation.proposed_starts_at = consultation.proposed_ends_at = None


def consultation_propose(
    *, consultation: Consultation, starts_at: datetime.datetime, by, reason: str = "", meeting_url: str | None = None
):
    """The expert proposes another free time of theirs, of the same length, instead of confirming or declining
    (``Consultation.propose_refusal``). The request keeps its time until the cluster accepts; the cluster's
    managers are told. An online request whose link the cluster left to the expert gets it now: accepting the
    proposal confirms the session, and a confirmed online session has a link to join."""
    ends_at = _check_time(starts_at=starts_at, hours=consultation.hours)
    meeting_url = _check_confirm_link(consultation, meeting_url)
    with transaction.atomic():
        current, expert = lock(consultation, Expert(pk=consultation.expert_id))
        if current.expert.user_id != by.pk:
            raise ValidationError(_("Only the session's expert proposes another time."))
        _refuse(current.propose_refusal())
        refusal = current.proposed_time_refusal(starts_at)
        if refusal:
            raise ValidationError({"starts_at": refusal})
        if current.awaits_meeting_link and not meeting_url:
            raise ValidationError({"meeting_url": LINK_WITH_PROPOSAL})
        _check_expert_free(expert, starts_at=starts_at, ends_at=ends_at, exclude=current)
        current.proposed_starts_at, current.proposed_ends_at = starts_at, ends_at
        if meeting_url:
            current.meeting_url = meeting_url
        current.save()
        change = _record_change(
            current,
            kind=ConsultationChange.Kind.PROPOSED,
            by=by,
            reason=reason,
            old=(current.starts_at, current.ends_at),
            new=(starts_at, ends_at),
        )
        _announce("proposed", current, by=by, change=change)
    return current


def consultation_proposal_accept(*, consultation: Consultation, by) -> Consultation:
    """A cluster manager accepts the expert's proposed time: the booking moves there and is confirmed (the expert
    proposed it). Same length, so the same hours stay held. The expert is told."""
    with transaction.atomic():
        current, expert = lock(consultation, Expert(pk=consultation.expert_id))
        if not current.cluster.is_managed_by(by):
            raise ValidationError(_("Only the cluster's managers answer a proposed time."))
        _refuse(current.proposal_answer_refusal())
        starts_at, ends_at = current.proposed_starts_at, current.proposed_ends_at
        _check_expert_free(expert, starts_at=starts_at, ends_at=ends_at, exclude=current)
        old = (current.starts_at, current.ends_at)
        current.starts_at, current.ends_at = starts_at, ends_at
        _clear_proposal(current)
        current.status = Consultation.Status.CONFIRMED
        current.confirmed_at = timezone.now()
        current.status_reason = ""
        current.status_changed_by = by
        _save(current)
        change = _record_change(
            current, kind=ConsultationChange.Kind.PROPOSAL_ACCEPTED, by=by, old=old, new=(starts_at, ends_at)
        )
        _announce("proposal_accepted", current, by=by, previous_starts_at=old[0], change=change)
    return current


def consultation_proposal_decline(*, consultation: Consultation, by, reason: str = "") -> Consultation:
    """A cluster manager declines the proposed time: the request stays at its time for the expert to confirm or
    decline. The expert is told."""
    with transaction.atomic():
        (current,) = lock(consultation)
        if not current.cluster.is_managed_by(by):
            raise ValidationError(_("Only the cluster's managers answer a proposed time."))
        _refuse(current.proposal_answer_refusal())
        proposed = (current.proposed_starts_at, current.proposed_ends_at)
        _clear_proposal(current)
        current.save()
        change = _record_change(
            current,
            kind=ConsultationChange.Kind.PROPOSAL_DECLINED,
            by=by,
            reason=reason,
            old=(current.starts_at, current.ends_at),
            new=proposed,
        )
        _announce("proposal_declined", current, by=by, change=change)
    return current


DETAIL_FIELDS = ("format", "city", "address", "meeting_url", "topic", "agenda")


def consultation_edit_details(
    *,
    consultation: Consultation,
    by,
    topic: str,
    agenda: str = "",
    format: str,
    city: str = "",
    address: str = "",
    meeting_url: str = "",
) -> Consultation:
    """A cluster manager corrects the topic, agenda, place and meeting link of a live booking until the change
    deadline (``Consultation.details_edit_refusal``), with the booking's own checks. The expert is told what
    changed; nothing changed records nothing."""
    details = _check_details(format=format, city=city, address=address, meeting_url=meeting_url, topic=topic)
    values = {"format": format, "topic": topic.strip(), "agenda": (agenda or "").strip(), **details}
    with transaction.atomic():
        (current,) = lock(consultation)
        if not current.cluster.is_managed_by(by):
            raise ValidationError(_("Only the cluster's managers correct its bookings."))
        _refuse(current.details_edit_refusal())
        # Only a request may be without its link: the expert gives it when confirming.
        confirmed = current.status != Consultation.Status.REQUESTED
        if confirmed and format == Consultation.Format.ONLINE and not values["meeting_url"]:
            raise ValidationError({"meeting_url": LINK_KEPT})
        changed = [name for name in DETAIL_FIELDS if getattr(current, name) != values[name]]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, values[name])
        current.save()
        change = _record_change(current, kind=ConsultationChange.Kind.DETAILS, by=by, fields=changed)
        _announce("details_changed", current, by=by, change=change)
    return current


# The session's thread (issue 15) ------------------------------------------------------------------------


def consultation_message_post(*, consultation: Consultation, by, body: str) -> ConsultationMessage:
    """One of the cluster's managers or the session's expert writes in the session's thread
    (``Consultation.message_refusal``); the other side is emailed with a link back."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"body": _("Keep the message under %(limit)s characters.") % {"limit": MESSAGE_MAX_LENGTH}}
        )
    _refuse(consultation.message_refusal(by))
    with transaction.atomic():
        message = ConsultationMessage.objects.create(consultation=consultation, author=by, body=body)
        thread_message_notify(message)
    return message
