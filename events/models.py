import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from agreements.models import Agreement
from clusters.models import Cluster, IndicatorArea
from inolink.bilingual import BilingualText, written_in_either
from inolink.choices import choice_label
from inolink.history import HistoryWithManyToMany
from inolink.text_limits import max_length_check

from .countries import Country

MAX_DELEGATES = 20

# How many characters a person may write in each text area: what a real application, note or event report takes,
# with room to spare, and no more (the field's max_length, its database check and the page's counter).
MOTIVATION_MAX_LENGTH = 4000
SUPPORT_DETAILS_MAX_LENGTH = 2000
DECISION_NOTE_MAX_LENGTH = 4000
OUTCOME_NOTES_MAX_LENGTH = 8000
FUNDING_NOTE_MAX_LENGTH = 2000
CANCEL_REASON_MAX_LENGTH = 2000
TITLE_MAX_LENGTH = 200


def _participation_count(*conditions, **filters):
    """The number of an event's applications that meet the conditions, as a correlated subquery."""
    matching = (
        Participation.objects.filter(*conditions, event=OuterRef("pk"), **filters)
        .order_by()
        .values("event")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(matching), 0)


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def open_for_applications(self, now: datetime.datetime | None = None):
        """Published events whose registration deadline has not passed (the one rule, also in ``Event``)."""
        now = now or timezone.now()
        return self.published().filter(registration_deadline__gte=now)

    def funding_calls(self):
        return self.filter(kind__in=Event.FUNDING_KINDS)

    def with_place_counts(self):
        """Annotate ``approved_count``: approved applications, the number that uses up places.

        A correlated subquery rather than a join and GROUP BY: a page of events counts only its own rows,
        and counting the events (for pagination) needs no join at all.
        """
        return self.annotate(
            approved_count=_participation_count(status=Participation.Status.APPROVED),
        )

    def with_application_counts(self):
        """Annotate ``application_count``: applications not withdrawn, counted like ``with_place_counts``."""
        return self.annotate(
            application_count=_participation_count(~Q(status=Participation.Status.WITHDRAWN)),
        )


class EventKind(models.TextChoices):
    PRESENTATION = "presentation", _("Cluster presentation event")
    INTERNATIONAL = "international", _("International event")
    EXHIBITION = "exhibition", _("Exhibition")
    BROKERAGE = "brokerage", _("Brokerage / matchmaking")
    FUNDING_CALL = "funding_call", _("Funding call (e.g. Innovation Express)")
    EU_MEASURE = "eu_measure", _("EU structural measure")


FUNDING_KIND_VALUES = (EventKind.FUNDING_CALL.value, EventKind.EU_MEASURE.value)
CALL_PERIOD_FIELDS = ("starts_at", "ends_at", "registration_deadline")
CALL_LAST_MOMENT = datetime.timedelta(microseconds=1)  # a call's deadline is this before its end


def call_period(opens_on: datetime.date, closes_on: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of the opening day and the first moment after the closing day, in Vilnius time."""
    tz = timezone.get_default_timezone()
    starts = datetime.datetime.combine(opens_on, datetime.time.min, tzinfo=tz)
    ends = datetime.datetime.combine(closes_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return starts, ends


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class Event(models.Model):
    """A presentation event, international event, exhibition, brokerage event or funding call."""

    Kind = EventKind
    Status = EventStatus

    FUNDING_KINDS = (Kind.FUNDING_CALL, Kind.EU_MEASURE)

    # Staff write the title and description in Lithuanian, in English or both; ``title`` and ``description`` give the
    # reader's language (inolink/bilingual.py).
    title_lt = models.CharField(_("title in Lithuanian"), max_length=TITLE_MAX_LENGTH, blank=True)
    title_en = models.CharField(_("title in English"), max_length=TITLE_MAX_LENGTH, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organiser = models.CharField(_("organiser"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.LT)
    city = models.CharField(_("city"), max_length=100, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    # A funding call has dates only (``opens_on``, ``closes_on``); its moments below follow from them on save
    # (``Event.sync_call_period``), so lists, filters and calendars that sort by moments keep working.
    starts_at = models.DateTimeField(_("starts"), blank=True, help_text=_("Not for funding calls: give their dates."))
    ends_at = models.DateTimeField(_("ends"), blank=True, help_text=_("Not for funding calls: give their dates."))
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        blank=True,
        help_text=_("Clusters apply until this moment; it cannot be after the start. Not for funding calls."),
    )
    opens_on = models.DateField(
        _("call opens on"), null=True, blank=True, help_text=_("Funding calls only: the day the call opens.")
    )
    closes_on = models.DateField(
        _("call closes on"),
        null=True,
        blank=True,
        help_text=_("Funding calls only: the last day applications are taken (no time of day)."),
    )
    places = models.PositiveSmallIntegerField(
        _("places for clusters"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("How many clusters can be approved. Leave blank for unlimited."),
    )
    delegates_per_cluster = models.PositiveSmallIntegerField(
        _("delegates per cluster"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DELEGATES)],
        help_text=_("How many people each cluster may send."),
    )
    description_lt = models.TextField(_("description in Lithuanian"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    external_url = models.URLField(_("external link"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), max_length=CANCEL_REASON_MAX_LENGTH, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status changed by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    title = BilingualText(_("title"))
    description = BilingualText(_("description"))

    history = HistoricalRecords()
    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "title_lt", "title_en"]
        indexes = [models.Index(fields=["status", "starts_at"], name="events_event_status_start")]
        constraints = [
            models.CheckConstraint(condition=written_in_either("title"), name="events_event_has_title"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="events_event_ends_after_start"),
            # A funding call takes intents until it closes, so its deadline is its end (``sync_call_period``).
            models.CheckConstraint(
                condition=Q(registration_deadline__lte=F("starts_at")) | Q(kind__in=FUNDING_KIND_VALUES),
                name="events_event_deadline_not_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=FUNDING_KIND_VALUES) | Q(opens_on__isnull=False, closes_on__isnull=False),
                name="events_event_call_has_dates",
            ),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(closes_on__isnull=True) | Q(closes_on__gte=F("opens_on")),
                name="events_event_call_closes_after_opening",
            ),
            models.CheckConstraint(condition=Q(places__isnull=True) | Q(places__gte=1), name="events_event_places_min"),
            models.CheckConstraint(
                condition=Q(delegates_per_cluster__gte=1, delegates_per_cluster__lte=MAX_DELEGATES),
                name="events_event_delegates_range",
            ),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="events_event_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=EventStatus.values), name="events_event_status_valid"),
            max_length_check(
                field="cancel_reason", limit=CANCEL_REASON_MAX_LENGTH, name="events_event_cancel_reason_max_length"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.kind in self.FUNDING_KINDS and self.opens_on and self.closes_on:
            self.sync_call_period()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], *CALL_PERIOD_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:event-detail", args=[self.pk])

    def clean(self):
        errors = {}
        if not (self.title_lt or self.title_en):
            errors["title_lt"] = _("Write the title in Lithuanian, in English, or in both.")
        if self.kind in self.FUNDING_KINDS:
            if not self.opens_on:
                errors["opens_on"] = _("Give the day the call opens.")
            if not self.closes_on:
                errors["closes_on"] = _("Give the day the call closes.")
            if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
                errors["closes_on"] = _("The call cannot close before it opens.")
            if errors:
                raise ValidationError(errors)
            self.sync_call_period()
            return
        for name in ("starts_at", "ends_at", "registration_deadline"):
            if getattr(self, name) is None:
                errors[name] = _("This field is required.")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        if self.starts_at and self.registration_deadline and self.registration_deadline > self.starts_at:
            errors["registration_deadline"] = _("The registration deadline cannot be after the event starts.")
        if errors:
            raise ValidationError(errors)

    def sync_call_period(self) -> None:
        """A funding call's moments from its dates: it starts at the opening day's first moment, takes intents until
        its closing day's last moment and ends right after it, Vilnius time."""
        self.starts_at, self.ends_at = call_period(self.opens_on, self.closes_on)
        self.registration_deadline = self.ends_at - CALL_LAST_MOMENT

    def get_kind_display(self) -> str:
        return choice_label(EventKind, self.kind)

    def get_country_display(self) -> str:
        return choice_label(Country, self.country)

    @property
    def is_funding_call(self) -> bool:
        return self.kind in self.FUNDING_KINDS

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def publish_refusal(self) -> str | None:
        """Why staff cannot publish the event, or None: a draft is published once; a cancelled event stays
        cancelled (its clusters were told)."""
        if self.status == self.Status.PUBLISHED:
            return _("%(event)s is already published.") % {"event": self}
        if self.status == self.Status.CANCELLED:
            return _("%(event)s has been cancelled and cannot be published again.") % {"event": self}
        return None

    def cancel_refusal(self, now: datetime.datetime | None = None) -> str | None:
        """Why staff cannot cancel the event, or None: a draft or published event until it ends."""
        if self.status == self.Status.CANCELLED:
            return _("%(event)s is already cancelled.") % {"event": self}
        if self.has_ended(now):
            return _("%(event)s has already ended and cannot be cancelled.") % {"event": self}
        return None

    def is_open_for_applications(self, now: datetime.datetime | None = None) -> bool:
        """Agrees with ``EventQuerySet.open_for_applications()``."""
        now = now or timezone.now()
        return self.is_published and now <= self.registration_deadline

    def accepts_applications(self, now: datetime.datetime | None = None) -> bool:
        """Open for applications and not a funding call (clusters mark an intent for those instead)."""
        return self.is_open_for_applications(now) and not self.is_funding_call

    def offers_calendar(self, now: datetime.datetime | None = None) -> bool:
        """Whether the page offers "Add to calendar": an event that has not ended and is not cancelled; never a
        funding call, which is a period to apply in, not a time to be somewhere."""
        return not self.is_funding_call and self.status != self.Status.CANCELLED and not self.has_ended(now)

    def has_started(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    def has_ended(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.ends_at

    @property
    def places_left(self) -> int | None:
        """Places not yet taken by approved clusters; None when unlimited.

        Uses the ``with_place_counts()`` annotation when present, so lists stay at a fixed query count.
        """
        if self.places is None:
            return None
        if not hasattr(self, "approved_count"):
            self.approved_count = self.participations.filter(status=Participation.Status.APPROVED).count()
        return max(self.places - self.approved_count, 0)

    @property
    def location(self) -> str:
        parts = [self.venue, self.city, self.get_country_display()]
        return ", ".join(str(part) for part in parts if part)


class ParticipationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    WAITLISTED = "waitlisted", _("Waiting list")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ParticipationQuerySet(models.QuerySet):
    def took_part(self, now=None):
        """Programme clusters' (a live agreement) approved applications to events that have ended: the
        experience of an event kind that deadline reminders go by."""
        return self.filter(
            status=ParticipationStatus.APPROVED,
            event__ends_at__lte=now or timezone.now(),
            cluster__in=Agreement.objects.live().values("cluster_id"),
        )

    def with_delegate_counts(self):
        """Annotate ``delegates_total``, counted for each row by a subquery (a join and GROUP BY would group
        every application before the page takes its rows)."""
        delegates = (
            Delegate.objects.filter(participation=OuterRef("pk"))
            .order_by()
            .values("participation")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(delegates_total=Coalesce(Subquery(delegates), 0))

    def awaiting_decision(self):
        """Applications staff have not decided on yet (the waiting list is a decision already)."""
        return self.filter(status=Participation.Status.APPLIED)


class Participation(models.Model):
    """A cluster's application to take part in an event; never deleted, only withdrawn."""

    Status = ParticipationStatus

    LIVE_STATUSES = (Status.APPLIED, Status.APPROVED, Status.WAITLISTED)
    WAITLIST_ORDER = ("waitlisted_at", "applied_at", "pk")  # who is promoted first

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="participations", verbose_name=_("event"))
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="event_participations", verbose_name=_("cluster")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    motivation = models.TextField(_("motivation"), max_length=MOTIVATION_MAX_LENGTH)
    support_needed = models.BooleanField(_("support needed"), default=False)
    support_details = models.TextField(_("support wanted"), max_length=SUPPORT_DETAILS_MAX_LENGTH, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("applied by"),
    )
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    waitlisted_at = models.DateTimeField(
        _("put on the waiting list"), null=True, blank=True, help_text=_("The waiting list is served in this order.")
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    objects = ParticipationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["event__starts_at", "applied_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "cluster"],
                name="events_one_application_per_cluster",
                violation_error_message=_("This cluster has already applied to this event."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ParticipationStatus.values), name="events_participation_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="events_participation_waitlist_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False),
                name="events_participation_withdrawal_has_time",
            ),
            models.CheckConstraint(
                condition=Q(support_needed=True) | Q(support_details=""),
                name="events_participation_support_details_only_when_needed",
            ),
            max_length_check(
                field="motivation", limit=MOTIVATION_MAX_LENGTH, name="events_participation_motivation_max_length"
            ),
            max_length_check(
                field="support_details",
                limit=SUPPORT_DETAILS_MAX_LENGTH,
                name="events_participation_support_details_max_length",
            ),
        ]

    def __str__(self):
        return f"{self.cluster} – {self.event}"

    def get_absolute_url(self):
        return reverse("events:participation-detail", args=[self.pk])

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    @property
    def status_display(self) -> str:
        """The status as staff read it: a live application to a cancelled event says that the event is off
        ("Approved — event cancelled"), not "Approved" as if nothing happened."""
        if self.is_live and self.event.status == EventStatus.CANCELLED:
            return _("%(status)s — event cancelled") % {"status": self.get_status_display()}
        return self.get_status_display()

    def withdrawal_refusal(self, now: datetime.datetime | None = None) -> str | None:
        """Why the cluster cannot withdraw the application now, or None: a live one can be, until the event starts."""
        if self.status == self.Status.WITHDRAWN:
            return _("This application has already been withdrawn.")
        if not self.is_live:
            return _("A rejected application cannot be withdrawn.")
        if self.event.has_started(now):
            return _("The event has already started: the application can no longer be withdrawn.")
        return None

    def change_refusal(self, now: datetime.datetime | None = None) -> str | None:
        """Why the cluster cannot change the application's delegates and support now, or None: a live application
        of an event that is not cancelled, until the registration deadline."""
        if self.status == self.Status.WITHDRAWN:
            return _("This application has been withdrawn and cannot be changed.")
        if not self.is_live:
            return _("A rejected application cannot be changed.")
        if self.event.status == Event.Status.CANCELLED:
            return _("The event has been cancelled: the application can no longer be changed.")
        if (now or timezone.now()) > self.event.registration_deadline:
            return _("The registration deadline has passed: the application can no longer be changed.")
        return None

    @property
    def can_be_changed(self) -> bool:
        return self.change_refusal() is None

    @property
    def can_be_withdrawn(self) -> bool:
        return self.withdrawal_refusal() is None

    @property
    def reapply_refusal(self) -> str:
        """Why the cluster cannot apply to the event again: one application per cluster and event, a withdrawn one
        included (the unique constraint ``events_one_application_per_cluster``)."""
        if self.status == self.Status.WITHDRAWN:
            day = formats.date_format(timezone.localtime(self.withdrawn_at))
            return _("Your cluster withdrew its application on %(day)s and cannot apply to this event again.") % {
                "day": day
            }
        return _("Your cluster has already applied to this event.")

    def decision_refusal(self, kind: str) -> str | None:
        """Why staff cannot take this decision on the application now, or None when they can.

        A withdrawn application takes no decision, a cancelled event's only rejections, and no decision repeats
        the status the application has. Whether a place is free for an approval is counted by
        ``services.participation_decide`` under the event's lock.
        """
        if self.status == self.Status.WITHDRAWN:
            return _("%(cluster)s has withdrawn this application: it cannot be decided.") % {"cluster": self.cluster}
        if self.status == Decision.RESULT[kind]:
            return _("The application of %(cluster)s is already: %(status)s.") % {
                "cluster": self.cluster,
                "status": self.get_status_display(),
            }
        if self.event.status == Event.Status.CANCELLED and kind != Decision.Kind.REJECTED:
            return _("The event has been cancelled: applications can only be rejected.")
        return None

    @property
    def possible_decisions(self) -> list[str]:
        """The decisions staff may take on the application now, in the order they are offered."""
        return [kind for kind in Decision.STAFF_KINDS if self.decision_refusal(kind) is None]

    @property
    def no_decision_reason(self) -> str | None:
        """Why no decision at all can be taken on the application any more, or None when one can."""
        refusals = [self.decision_refusal(kind) for kind in Decision.STAFF_KINDS]
        return None if None in refusals else refusals[0]

    @property
    def latest_decision(self) -> "Decision | None":
        """The decision that gave the application its status (uses prefetched ``decisions`` when present)."""
        decisions = sorted(self.decisions.all(), key=lambda decision: (decision.decided_at, decision.pk))
        return decisions[-1] if decisions else None

    def waitlist_position(self) -> int | None:
        """1 for the cluster promoted next; None when not on the waiting list."""
        if self.status != self.Status.WAITLISTED:
            return None
        ahead = Participation.objects.filter(event_id=self.event_id, status=self.Status.WAITLISTED).filter(
            Q(waitlisted_at__lt=self.waitlisted_at)
            | Q(waitlisted_at=self.waitlisted_at, applied_at__lt=self.applied_at)
            | Q(waitlisted_at=self.waitlisted_at, applied_at=self.applied_at, pk__lt=self.pk)
        )
        return ahead.count() + 1

    @property
    def can_report_outcome(self) -> bool:
        return self.status == self.Status.APPROVED and self.event.has_ended()


class Delegate(models.Model):
    """A person a cluster sends to an event."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="delegates", verbose_name=_("application")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(
        pgettext_lazy("delegate", "role"), max_length=200, help_text=_("E.g. cluster manager, CEO of a member company.")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        ordering = ["participation", "position", "pk"]

    def __str__(self):
        return f"{self.full_name} ({self.role})"


class DecisionKind(models.TextChoices):
    APPROVED = "approved", _("Approved")
    WAITLISTED = "waitlisted", _("Put on the waiting list")
    REJECTED = "rejected", _("Rejected")
    PROMOTED = "promoted", _("Promoted from the waiting list")


class Decision(models.Model):
    """One decision on an application, by staff or automatic (a promotion from the waiting list).

    Kept as a log: the notification work (issue 5) sends one message per decision and marks ``notified_at``.
    """

    Kind = DecisionKind

    RESULT = {
        Kind.APPROVED: Participation.Status.APPROVED,
        Kind.WAITLISTED: Participation.Status.WAITLISTED,
        Kind.REJECTED: Participation.Status.REJECTED,
        Kind.PROMOTED: Participation.Status.APPROVED,
    }
    STAFF_KINDS = (Kind.APPROVED, Kind.WAITLISTED, Kind.REJECTED)  # a promotion is automatic

    participation = models.ForeignKey(
        Participation, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("application")
    )
    kind = models.CharField(_("decision"), max_length=10, choices=Kind.choices)
    note = models.TextField(_("note"), max_length=DECISION_NOTE_MAX_LENGTH, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        help_text=_("Empty for an automatic promotion from the waiting list."),
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    notified_at = models.DateTimeField(_("cluster notified"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["participation", "decided_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DecisionKind.values), name="events_decision_kind_valid"),
            models.CheckConstraint(condition=~Q(kind="rejected") | ~Q(note=""), name="events_decision_reject_note"),
            models.CheckConstraint(
                condition=Q(kind="promoted") | Q(decided_by__isnull=False), name="events_decision_has_author"
            ),
            max_length_check(field="note", limit=DECISION_NOTE_MAX_LENGTH, name="events_decision_note_max_length"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.participation}"


class Outcome(models.Model):
    """What a cluster brought back from an event it was approved for."""

    participation = models.OneToOneField(
        Participation, on_delete=models.PROTECT, related_name="outcome", verbose_name=_("application")
    )
    attended = models.BooleanField(_("attended"))
    contacts_made = models.PositiveSmallIntegerField(
        _("contacts made"), default=0, validators=[MaxValueValidator(10000)]
    )
    notes = models.TextField(_("notes"), max_length=OUTCOME_NOTES_MAX_LENGTH, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    indicator_areas = models.ManyToManyField(
        IndicatorArea,
        related_name="event_outcomes",
        blank=True,
        verbose_name=_("indicator areas served"),
        help_text=_("The benchmarking's indicator areas the event built evidence for, if any."),
    )

    history = HistoryWithManyToMany(m2m_fields=[indicator_areas])

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-reported_at"]
        constraints = [
            models.CheckConstraint(condition=Q(contacts_made__lte=10000), name="events_outcome_contacts_range"),
            max_length_check(field="notes", limit=OUTCOME_NOTES_MAX_LENGTH, name="events_outcome_notes_max_length"),
        ]

    def __str__(self):
        return str(self.participation)


class PartnershipLead(models.Model):
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="leads", verbose_name=_("outcome"))
    organisation = models.CharField(_("organisation"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    topic = models.CharField(_("topic"), max_length=300)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partnership lead")
        verbose_name_plural = _("partnership leads")
        ordering = ["outcome", "created_at", "pk"]

    def __str__(self):
        return f"{self.organisation} ({self.country})"


class FundingStatus(models.TextChoices):
    CONSIDERING = "considering", _("Considering")
    APPLYING = "applying", _("Preparing an application")
    APPLIED = "applied", _("Applied")
    GRANTED = "granted", _("Granted")
    NOT_GRANTED = "not_granted", _("Not granted")


class FundingIntent(models.Model):
    """Where a cluster stands with a funding call."""

    Status = FundingStatus

    OPEN = (Status.CONSIDERING, Status.APPLYING)  # not submitted yet: the call's closing day matters
    SUBMITTED = (Status.APPLIED, Status.GRANTED, Status.NOT_GRANTED)
    DECIDED = (Status.GRANTED, Status.NOT_GRANTED)

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="funding_intents", verbose_name=_("funding call")
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="funding_intents", verbose_name=_("cluster")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CONSIDERING)
    submitted_on = models.DateField(_("application submitted on"), null=True, blank=True)
    decided_on = models.DateField(_("decision received on"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=FUNDING_NOTE_MAX_LENGTH, blank=True)
    indicator_areas = models.ManyToManyField(
        IndicatorArea,
        related_name="funding_intents",
        blank=True,
        verbose_name=_("indicator areas served"),
        help_text=_("The benchmarking's indicator areas the funding builds evidence for, if any."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("updated by")
    )
    created_at = models.DateTimeField(_("first marked"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoryWithManyToMany(m2m_fields=[indicator_areas])

    class Meta:
        verbose_name = _("funding intent")
        verbose_name_plural = _("funding intents")
        ordering = ["event", "cluster__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "cluster"], name="events_one_funding_intent_per_cluster"),
            models.CheckConstraint(
                condition=Q(status__in=FundingStatus.values), name="events_fundingintent_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["applied", "granted", "not_granted"]) | Q(submitted_on__isnull=False),
                name="events_fundingintent_submitted_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["granted", "not_granted"]) | Q(decided_on__isnull=False),
                name="events_fundingintent_decided_date",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True)
                | Q(submitted_on__isnull=True)
                | Q(decided_on__gte=F("submitted_on")),
                name="events_fundingintent_decided_after_submitted",
            ),
            max_length_check(field="note", limit=FUNDING_NOTE_MAX_LENGTH, name="events_fundingintent_note_max_length"),
        ]

    def __str__(self):
        return f"{self.cluster} – {self.event}: {self.get_status_display()}"

    def clean(self):
        errors = {}
        if self.status in self.SUBMITTED and not self.submitted_on:
            errors["submitted_on"] = _("Give the date the application was submitted.")
        if self.status in self.DECIDED and not self.decided_on:
            errors["decided_on"] = _("Give the date the decision was received.")
        if self.submitted_on and self.decided_on and self.decided_on < self.submitted_on:
            errors["decided_on"] = _("The decision cannot come before the application was submitted.")
        if errors:
            raise ValidationError(errors)
