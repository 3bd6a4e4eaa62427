"""The writes of consultations: one function per action, atomic, announcing the change on commit.

Scarce things are an expert's time and a cluster's hours. Every write that takes either locks the
expert's row and then the allocation's row (always in this order), re-checks the rules against what is
committed, and only then writes. On PostgreSQL an exclusion constraint is the last word on overlaps;
on SQLite the IMMEDIATE transaction serialises writers, so the re-check holds there too.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, HourAllocation
from inolink.templatetags.inolink_format import hours as format_hours

from .message_kinds import consultation_notify
from .models import CalendarFeed, Consultation, Expert, Rating, SessionOutcome, new_calendar_token
from .places import LITHUANIAN_CITIES
from .selectors import (
    BOOKING_LENGTHS,
    HOURS,
    LAST_WEEK,
    booking_allocation,
    buffer,
    earliest_start,
    latest_start,
    slot_is_free,
)
from .signals import consultation_changed

SLOT_TAKEN = _("This time was just taken by another booking. Please pick another slot.")


def _announce(action: str, consultation: Consultation, *, by=None, previous_starts_at=None) -> None:
    """Record the emails inside the transaction (they exist only if it commits) and signal after the commit."""
    consultation_notify(action, consultation, by=by, previous_starts_at=previous_starts_at)
    pk = consultation.pk
    transaction.on_commit(lambda: consultation_changed.send(sender=Consultation, action=action, consultation_id=pk))


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
        if not (meeting_url or "").strip():
            errors["meeting_url"] = _("Give the meeting link for an online consultation.")
        elif not meeting_url.startswith("https://"):
            errors["meeting_url"] = _("The meeting link must start with https://.")
    else:
        errors["format"] = _("Choose on-site or online.")
    if errors:
        raise ValidationError(errors)
    if format == Consultation.Format.ONSITE:
        return {"city": city, "address": address.strip(), "meeting_url": ""}
    return {"city": "", "address": "", "meeting_url": meeting_url.strip()}


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
        raise ValidationError(
            {
                "starts_at": _("Book at least %(hours)s hours ahead.")
                % {"hours": int((earliest_start(now) - now).total_seconds() // 3600)}
            }
        )
    return starts_at + datetime.timedelta(hours=float(hours))


def _lock_expert(expert_pk) -> Expert:
    return Expert.objects.select_for_update().get(pk=expert_pk)


def _check_expert(expert: Expert, service_area) -> None:
    if not expert.is_active:
        raise ValidationError({"expert": _("This expert is not taking consultations at the moment.")})
    if not expert.service_areas.filter(pk=service_area.pk).exists():
        raise ValidationError({"expert": _("This expert does not consult in the chosen service area.")})


def _check_expert_free(expert: Expert, *, starts_at, ends_at, exclude=None) -> None:
    """No live booking of the expert within the buffer, and the time inside their working hours."""
    pad = buffer()
    clash = Consultation.objects.live().filter(expert=expert, starts_at__lt=ends_at + pad, ends_at__gt=starts_at - pad)
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


def _lock_and_check_hours(*, agreement, service_area, hours, releasing: Decimal = Decimal("0")) -> None:
    """Lock the allocation row, then check the hours left (plus any hours this change gives back)."""
    locked = list(
        HourAllocation.objects.select_for_update()
        .filter(agreement=agreement, service_area=service_area)
        .values_list("pk", flat=True)
    )
    if not locked:
        raise ValidationError({"service_area": NO_HOURS_IN_AREA})
    remaining = HourAllocation.objects.with_usage().get(agreement=agreement, service_area=service_area).hours_remaining
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
    Lithuanian city with an address, or online with a link.
    """
    if not cluster.managers.filter(pk=booked_by.pk).exists():
        raise ValidationError({"service_area": _("You do not manage this cluster.")})
    details = _check_details(format=format, city=city, address=address, meeting_url=meeting_url, topic=topic)
    ends_at = _check_time(starts_at=starts_at, hours=hours)
    with transaction.atomic():
        agreement = _active_agreement(cluster)
        locked_expert = _lock_expert(expert.pk)
        _check_expert(locked_expert, service_area)
        _lock_and_check_hours(agreement=agreement, service_area=service_area, hours=hours)
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


def _lock_consultation(consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


def consultation_confirm(*, consultation: Consultation, by) -> Consultation:
    """The expert accepts a request that has not started yet."""
    with transaction.atomic():
        consultation = _lock_consultation(consultation)
        if consultation.status != Consultation.Status.REQUESTED:
            raise ValidationError(_("Only a requested consultation can be confirmed."))
        if consultation.has_started:
            raise ValidationError(_("This request has already started and can no longer be confirmed."))
        consultation.status = Consultation.Status.CONFIRMED
        consultation.confirmed_at = timezone.now()
        consultation.status_changed_by = by
        consultation.save()
        _announce("confirmed", consultation, by=by)
    return consultation


def consultation_decline(*, consultation: Consultation, by, reason: str) -> Consultation:
    """The expert turns down a request (or a confirmed session that has not started), with a reason."""
    reason = _require_reason(reason)
    with transaction.atomic():
        consultation = _lock_consultation(consultation)
        if not consultation.can_be_declined:
            raise ValidationError(_("Only an upcoming request or session can be declined."))
        consultation.status = Consultation.Status.DECLINED
        consultation.status_reason = reason
        consultation.status_changed_by = by
        consultation.declined_at = timezone.now()
        consultation.save()
        _announce("declined", consultation, by=by)
    return consultation


def _check_change_deadline(consultation) -> None:
    if not consultation.is_live:
        raise ValidationError(_("This consultation is no longer open to changes."))
    if timezone.now() >= consultation.change_deadline:
        raise ValidationError(
            _("Changes are possible until 24 hours before the start. Please contact the expert directly.")
        )


def consultation_cancel(*, consultation: Consultation, by, reason: str) -> Consultation:
    """The cluster cancels a live booking until 24 h before its start, with a reason; its hours return."""
    reason = _require_reason(reason)
    with transaction.atomic():
        consultation = _lock_consultation(consultation)
        _check_change_deadline(consultation)
        consultation.status = Consultation.Status.CANCELLED
        consultation.status_reason = reason
        consultation.status_changed_by = by
        consultation.cancelled_at = timezone.now()
        consultation.save()
        _announce("cancelled", consultation, by=by)
    return consultation


def consultation_reschedule(
    *, consultation: Consultation, starts_at: datetime.datetime, hours: Decimal, by, reason: str
) -> Consultation:
    """The cluster moves a live booking to another free slot of the same expert, until 24 h before the start.

    The new time goes back to "requested" for the expert to confirm; the same time and hours rules as booking apply.
    """
    reason = _require_reason(reason)
    ends_at = _check_time(starts_at=starts_at, hours=hours)
    with transaction.atomic():
        expert = _lock_expert(consultation.expert_id)
        _check_expert(expert, consultation.service_area)
        current = _lock_consultation(consultation)
        _check_change_deadline(current)
        holding = Consultation.objects.holding_hours().filter(pk=current.pk).exists()
        _lock_and_check_hours(
            agreement=current.agreement,
            service_area=current.service_area,
            hours=hours,
            releasing=current.hours if holding else Decimal("0"),
        )
        _check_expert_free(expert, starts_at=starts_at, ends_at=ends_at, exclude=current)
        previous_starts_at = current.starts_at
        current.starts_at, current.ends_at, current.hours = starts_at, ends_at, hours
        current.status = Consultation.Status.REQUESTED
        current.confirmed_at = None
        current.status_reason = reason
        current.status_changed_by = by
        _save(current)
        _announce("rescheduled", current, by=by, previous_starts_at=previous_starts_at)
    return current


def consultation_reassign(*, consultation: Consultation, expert: Expert, by) -> Consultation:
    """Staff hand a live, upcoming consultation to another expert of the same area (overlap rules apply).

    Experts are locked in id order so two reassignments never wait on each other crosswise; the hours do not
    change, so the allocation needs no lock.
    """
    with transaction.atomic():
        for pk in sorted({consultation.expert_id, expert.pk}):
            _lock_expert(pk)
        current = _lock_consultation(consultation)
        target = Expert.objects.get(pk=expert.pk)
        if not current.is_live or current.has_started:
            raise ValidationError(_("Only an upcoming requested or confirmed consultation can be reassigned."))
        if target.pk == current.expert_id:
            raise ValidationError({"expert": _("The consultation is already with this expert.")})
        _check_expert(target, current.service_area)
        _check_expert_free(target, starts_at=current.starts_at, ends_at=current.ends_at, exclude=current)
        current.expert = target
        current.status = Consultation.Status.REQUESTED
        current.confirmed_at = None
        current.status_changed_by = by
        _save(current)
        _announce("reassigned", current, by=by)
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
) -> SessionOutcome:
    """The session's expert logs (or, within 7 days, edits) its outcome.

    Held: hours delivered as ``Consultation.accepts_hours_delivered`` allows. No-show: 0 hours.
    """
    with transaction.atomic():
        consultation = _lock_consultation(consultation)
        if consultation.expert.user_id != by.pk:
            raise ValidationError(_("Only the session's expert logs its outcome."))
        if not consultation.has_started:
            raise ValidationError({"result": _("The outcome can be logged once the session has started.")})
        if consultation.status not in (
            Consultation.Status.CONFIRMED,
            Consultation.Status.HELD,
            Consultation.Status.NO_SHOW,
        ):
            raise ValidationError({"result": _("Only a confirmed session has an outcome.")})
        outcome = SessionOutcome.objects.filter(consultation=consultation).first()
        if outcome is not None and outcome.is_locked:
            raise ValidationError(_("The outcome was logged more than 7 days ago and is locked. Ask programme staff."))
        if result == SessionOutcome.Result.HELD:
            if not consultation.accepts_hours_delivered(hours_delivered):
                raise ValidationError({"hours_delivered": consultation.hours_delivered_message()})
        elif result == SessionOutcome.Result.NO_SHOW:
            hours_delivered = Decimal("0")
        else:
            raise ValidationError({"result": _("Choose held or no-show.")})
        if not (summary or "").strip():
            raise ValidationError({"summary": _("Write a short summary.")})
        outcome = outcome or SessionOutcome(consultation=consultation)
        outcome.result = result
        outcome.summary = summary.strip()
        outcome.recommendations = (recommendations or "").strip()
        outcome.follow_up_actions = (follow_up_actions or "").strip()
        outcome.hours_delivered = hours_delivered
        outcome.save()
        consultation.status = result
        consultation.status_changed_by = by
        consultation.save()
        _announce("outcome_logged", consultation, by=by)
    return outcome


def rating_create(*, consultation: Consultation, by, score: int, comment: str = "") -> Rating:
    """The cluster's manager rates a held session once, 1 to 5."""
    if score not in range(1, 6):
        raise ValidationError({"score": _("Give a rating from 1 to 5.")})
    with transaction.atomic():
        consultation = _lock_consultation(consultation)
        if not consultation.cluster.managers.filter(pk=by.pk).exists():
            raise ValidationError(_("Only the cluster's managers rate its consultations."))
        if Rating.objects.filter(consultation=consultation).exists():
            raise ValidationError({"score": _("This session has already been rated.")})
        if not consultation.can_be_rated:
            raise ValidationError({"score": _("A session can be rated once the expert has logged it as held.")})
        rating = Rating.objects.create(
            consultation=consultation, score=score, comment=(comment or "").strip(), rated_by=by
        )
        _announce("rated", consultation, by=by)
    return rating


# --- Availability and calendar ---------------------------------------------------------------------------


def availability_save(*, expert: Expert, weekly_formset, exception_formset) -> None:
    """Save an expert's weekly hours and exceptions from the editor's validated formsets in one transaction."""
    with transaction.atomic():
        for formset in (weekly_formset, exception_formset):
            instances = formset.save(commit=False)
            for instance in instances:
                instance.expert = expert
                instance.save()
            for instance in formset.deleted_objects:
                instance.delete()


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
    """Set each allocation's ``hours_delivered`` to the sum of the outcomes logged for its sessions; one UPDATE."""
    delivered = (
        SessionOutcome.objects.filter(
            consultation__agreement_id=OuterRef("agreement_id"),
            consultation__service_area_id=OuterRef("service_area_id"),
        )
        .order_by()
        .values("consultation__agreement_id")
        .annotate(total=Sum("hours_delivered"))
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
