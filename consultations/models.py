import datetime
import secrets
from collections import defaultdict
from decimal import Decimal

from django import forms
from django.conf import global_settings, settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Least
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Cluster
from inolink.choices import choice_label
from inolink.formatting import hours as format_hours
from inolink.formatting import hours_number, language_list
from inolink.history import HistoryWithManyToMany
from inolink.text_limits import max_length_check

# How many characters a person may write in each text area: what a real agenda, reason, bio or session report
# takes, with room to spare, and no more (the field's max_length, its database check and the page's counter).
AGENDA_MAX_LENGTH = 4000
REASON_MAX_LENGTH = 2000
BIO_MAX_LENGTH = 2000
SUMMARY_MAX_LENGTH = 8000
RECOMMENDATIONS_MAX_LENGTH = 8000
FOLLOW_UP_MAX_LENGTH = 4000
COMMENT_MAX_LENGTH = 2000
MESSAGE_MAX_LENGTH = 2000

# Names of the service areas the seed migration creates, so the catalogue holds their Lithuanian names.
DEFAULT_AREA_NAMES = [
    gettext_noop("Legal"),
    gettext_noop("Financial"),
    gettext_noop("Marketing"),
    gettext_noop("Strategy making"),
    gettext_noop("International partnership"),
]


class ServiceArea(models.Model):
    """A field of consultancy: legal, financial, marketing, strategy making, international partnership."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        ordering = ["position", "name"]

    def __str__(self):
        return self.display_name(self.name)

    @staticmethod
    def display_name(name: str) -> str:
        """An area's name as people read it, also for rows that carry only the stored name (report aggregates).

        The programme's own areas are translated (see DEFAULT_AREA_NAMES); areas staff add show as typed.
        """
        return gettext(name)


# The languages an expert can consult in, most asked for first. Their names come from Django's own
# catalogue of language names, which carries their Lithuanian names too.
CONSULTING_LANGUAGES = ("lt", "en", "de", "fr", "pl", "ru", "uk", "lv", "et", "fi", "sv", "da", "nb", "nl", "es", "it")


def consulting_language_choices() -> list[tuple[str, str]]:
    names = dict(global_settings.LANGUAGES)
    return [(code, _(names[code])) for code in CONSULTING_LANGUAGES]


def validate_consulting_languages(value) -> None:
    if not isinstance(value, list) or any(code not in CONSULTING_LANGUAGES for code in value):
        raise ValidationError(_("Choose the languages from the list."), code="invalid_language")


class JSONTypeOf(models.Func):
    """The JSON type of a value ("array", "object", …), so a constraint can hold a JSON column to one shape."""

    function = "json_type"
    output_field = models.CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="jsonb_typeof", **extra_context)


class LanguageListField(models.JSONField):
    """A list of language codes, chosen with checkboxes and stored as a JSON list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("validators", [validate_consulting_languages])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        defaults = {
            "label": capfirst(self.verbose_name),
            "help_text": self.help_text,
            "required": not self.blank,
            "choices": consulting_language_choices,
            "widget": forms.CheckboxSelectMultiple,
        }
        return forms.MultipleChoiceField(**(defaults | kwargs))


class Expert(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_profile", verbose_name=_("user")
    )
    service_areas = models.ManyToManyField(ServiceArea, related_name="experts", verbose_name=_("service areas"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    bio = models.TextField(_("short bio"), max_length=BIO_MAX_LENGTH, blank=True)
    languages = LanguageListField(_("languages"), help_text=_("Languages the expert consults in."))
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(m2m_fields=[service_areas])

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Exact(JSONTypeOf("languages"), "array"), name="consultations_expert_languages_list"
            ),
            max_length_check(field="bio", limit=BIO_MAX_LENGTH, name="consultations_expert_bio_max_length"),
        ]

    def __str__(self):
        return str(self.user)

    @property
    def language_names(self) -> str:
        """The expert's languages, named in the reader's language as a line of text writes them."""
        names = dict(consulting_language_choices())
        return language_list(names[code] for code in self.languages if code in names)


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private iCalendar feed: the secret token in its address is the only credential."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("user")
    )
    token = models.CharField(_("secret token"), max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("consultations:calendar-feed", args=[self.token])


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def weekly_overlaps(rows) -> list[tuple]:
    """Pairs of weekly hours on the same weekday whose times overlap (Mon 09:00–17:00 and 16:00–18:00).

    Hours that only touch (09:00–12:00 and 12:00–17:00) do not overlap. ``rows`` are ``WeeklyAvailability``
    objects, saved or not, with their weekday and times set; the editor's form and the saving service both ask.
    """
    by_day = defaultdict(list)
    for row in rows:
        if row.weekday is not None and row.start_time and row.end_time:
            by_day[row.weekday].append(row)
    pairs = []
    for day_rows in by_day.values():
        day_rows.sort(key=lambda row: (row.start_time, row.end_time))
        for index, row in enumerate(day_rows):
            for later in day_rows[index + 1 :]:
                if later.start_time >= row.end_time:
                    break
                pairs.append((row, later))
    return pairs


def weekly_overlap_message(first, second) -> str:
    # Translators: e.g. "Monday 09:00–17:00 overlaps Monday 16:00–18:00. …"
    return gettext("%(first)s overlaps %(second)s. Join them into one row or change the times.") % {
        "first": first,
        "second": second,
    }


class WeeklyAvailability(models.Model):
    """Hours an expert works every week on one weekday (Europe/Vilnius wall time).

    An expert's hours on one weekday never overlap (``weekly_overlaps``); on PostgreSQL an exclusion constraint
    (``constraints.weekly_overlap_constraint``, migration 0015) holds it too.
    """

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="weekly_hours", verbose_name=_("expert"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")
        ordering = ["expert", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="consultations_weekly_hours_order"
            ),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="consultations_weekday_range"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def clean(self):
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The end must be after the start.")})


# The longest time off or run of extra hours one row may cover: a long leave is one row, a typo of a year is not.
EXCEPTION_MAX_DAYS = 366


class AvailabilityException(models.Model):
    """A dated change to the weekly hours over a range of days: time off (all day when no times are given) or
    extra hours; the times apply to each day of the range. A two-week holiday is one row."""

    class Kind(models.TextChoices):
        TIME_OFF = "off", _("Time off")
        EXTRA = "extra", _("Extra hours")

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="exceptions", verbose_name=_("expert"))
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.TIME_OFF)
    start_time = models.TimeField(_("from"), null=True, blank=True, help_text=_("Leave empty for the whole day off."))
    end_time = models.TimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("availability exception")
        verbose_name_plural = _("availability exceptions")
        ordering = ["expert", "start_date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True) & Q(end_time__isnull=True) & Q(kind="off"))
                | (Q(start_time__isnull=False) & Q(end_time__isnull=False) & Q(end_time__gt=models.F("start_time"))),
                name="consultations_exception_times",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="consultations_exception_dates_order"
            ),
        ]
        indexes = [models.Index(fields=["expert", "end_date"], name="consultations_exception_end")]

    def __str__(self):
        days = f"{self.start_date}" if self.end_date == self.start_date else f"{self.start_date}–{self.end_date}"
        if self.start_time:
            return f"{days} {self.get_kind_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"
        return f"{days} {self.get_kind_display()}"

    @property
    def whole_day(self) -> bool:
        return self.start_time is None

    def days(self, first: datetime.date, last: datetime.date):
        """The days of this exception between ``first`` and ``last`` (both included)."""
        day = max(self.start_date, first)
        while day <= min(self.end_date, last):
            yield day
            day += datetime.timedelta(days=1)

    def clean(self):
        errors = {}
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                errors["end_date"] = _("The last day cannot be before the first day.")
            elif (self.end_date - self.start_date).days >= EXCEPTION_MAX_DAYS:
                errors["end_date"] = ngettext(
                    "One row covers at most %(days)s day; add another row for the rest.",
                    "One row covers at most %(days)s days; add another row for the rest.",
                    EXCEPTION_MAX_DAYS,
                ) % {"days": EXCEPTION_MAX_DAYS}
        if (self.start_time is None) != (self.end_time is None):
            errors["end_time"] = _("Give both times, or neither for a whole day off.")
        elif self.start_time is None and self.kind == self.Kind.EXTRA:
            errors["start_time"] = _("Extra hours need a start and an end time.")
        elif self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The end must be after the start.")
        if errors:
            raise ValidationError(errors)


class ConsultationQuerySet(models.QuerySet):
    def live(self):
        """Bookings that take the expert's time: requested or confirmed."""
        return self.filter(status__in=Consultation.LIVE_STATUSES)

    def taking_time(self, start, end):
        """Live bookings that take some of the expert's time between ``start`` and ``end``: at their own time, or
        at the time the expert proposed instead (held for them until the cluster answers)."""
        return self.live().filter(
            Q(starts_at__lt=end, ends_at__gt=start) | Q(proposed_starts_at__lt=end, proposed_ends_at__gt=start)
        )

    def holding_hours(self, now=None):
        """Bookings whose hours are held: requested ones not yet started, and confirmed ones until their outcome.

        A confirmed session that has started keeps its hours until the expert logs what was delivered,
        so the cluster cannot book the same hours twice in the meantime.
        """
        now = now or timezone.now()
        return self.filter(
            Q(status=Consultation.Status.CONFIRMED) | Q(status=Consultation.Status.REQUESTED, starts_at__gt=now)
        )

    def upcoming(self, now=None):
        return self.filter(ends_at__gt=now or timezone.now())

    def past(self, now=None):
        return self.filter(ends_at__lte=now or timezone.now())

    def to_rate(self):
        """Sessions the cluster can still rate (``Consultation.can_be_rated``), as EXISTS tests so the newest
        are found along an index instead of by sorting every unrated session."""
        outcomes = SessionOutcome.objects.filter(consultation=models.OuterRef("pk"))
        ratings = Rating.objects.filter(consultation=models.OuterRef("pk"))
        return self.filter(models.Exists(outcomes), ~models.Exists(ratings), status=Consultation.Status.HELD)

    def outcome_due(self, now=None):
        """Confirmed sessions that have started and have no outcome yet."""
        return self.filter(status=Consultation.Status.CONFIRMED, starts_at__lte=now or timezone.now())


class Consultation(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Confirmed")
        HELD = "held", _("Held")
        NO_SHOW = "no_show", _("No-show")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    class Format(models.TextChoices):
        ONSITE = "onsite", _("On-site in Lithuania")
        ONLINE = "online", _("Online")

    LIVE_STATUSES = (Status.REQUESTED, Status.CONFIRMED)

    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("cluster")
    )
    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="consultations", verbose_name=_("agreement")
    )
    service_area = models.ForeignKey(
        ServiceArea, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("service area")
    )
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("expert"))
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("booked by")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    hours = models.DecimalField(_("booked hours"), max_digits=4, decimal_places=2)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    # Teams and Zoom invitations carry long query strings: 200 characters, Django's default, cut some off.
    meeting_url = models.URLField(_("meeting link"), max_length=500, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    agenda = models.TextField(_("agenda"), max_length=AGENDA_MAX_LENGTH, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    status_reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("status changed by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Another time the expert proposed instead of confirming (the cluster accepts or declines it); same length.
    proposed_starts_at = models.DateTimeField(_("proposed start"), null=True, blank=True)
    proposed_ends_at = models.DateTimeField(_("proposed end"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-starts_at"]
        indexes = [
            # The admin's list, newest first (its order adds the primary key as the tie-break).
            models.Index(fields=["starts_at", "id"], name="consult_start_idx"),
            models.Index(fields=["expert", "starts_at"], name="consult_expert_start_idx"),
            models.Index(fields=["cluster", "starts_at"], name="consult_cluster_start_idx"),
            # A cluster's upcoming sessions (ends_at > now), without walking its whole history.
            models.Index(fields=["cluster", "ends_at"], name="consult_cluster_end_idx"),
            # Recounting an allocation's delivered hours (agreement × area) and summing the hours its live
            # bookings hold; free-slot look-ups of an expert's live bookings.
            models.Index(fields=["agreement", "service_area"], name="consult_allocation_idx"),
            models.Index(
                fields=["agreement", "service_area"],
                condition=Q(status__in=["requested", "confirmed"]),
                name="consult_live_allocation_idx",
            ),
            models.Index(
                fields=["expert", "ends_at"],
                condition=Q(status__in=["requested", "confirmed"]),
                name="consult_live_expert_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="consultations_period_order"),
            models.CheckConstraint(
                condition=Q(hours__gte=Decimal("1"), hours__lte=Decimal("4")), name="consultations_hours_range"
            ),
            # An online booking may come without its link: the expert adds it when confirming
            # (``Consultation.awaits_meeting_link``).
            models.CheckConstraint(
                condition=Q(format="online") | Q(format="onsite", city__gt="", address__gt=""),
                name="consultations_format_details",
                violation_error_message=_("An on-site consultation needs a city and an address."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["declined", "cancelled"]) | Q(status_reason__gt=""),
                name="consultations_reason_required",
                violation_error_message=_("A declined or cancelled consultation needs a reason."),
            ),
            models.CheckConstraint(
                condition=Q(proposed_starts_at__isnull=True, proposed_ends_at__isnull=True)
                | Q(proposed_ends_at__gt=models.F("proposed_starts_at"), status="requested"),
                name="consultations_proposal_shape",
                violation_error_message=_("A proposed time has a start before its end, on a request only."),
            ),
            max_length_check(field="agenda", limit=AGENDA_MAX_LENGTH, name="consultations_agenda_max_length"),
            max_length_check(field="status_reason", limit=REASON_MAX_LENGTH, name="consultations_reason_max_length"),
            # The PostgreSQL exclusion constraint on an expert's live bookings is added by
            # migration 0004 on PostgreSQL only (see consultations.constraints).
        ]

    def __str__(self):
        return f"{self.topic} ({self.expert}, {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("consultations:consultation-detail", args=[self.pk])

    def get_status_display(self) -> str:
        return choice_label(self.Status, self.status)

    def get_format_display(self) -> str:
        return choice_label(self.Format, self.format)

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    def started_by(self, now: datetime.datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())

    @property
    def has_started(self) -> bool:
        return self.started_by()

    @property
    def change_deadline(self) -> datetime.datetime:
        """Reschedule and cancel are allowed until this moment."""
        return self.starts_at - datetime.timedelta(hours=CHANGE_DEADLINE_HOURS)

    # The rules of each action, in one place: the pages ask them to show or hide a button, the services to
    # refuse. Each returns why the action is refused now, or None when it is allowed.

    def confirm_refusal(self, now: datetime.datetime | None = None) -> str | None:
        """The expert confirms a request that has not started yet."""
        if self.status != self.Status.REQUESTED:
            return gettext("Only a requested consultation can be confirmed.")
        if self.started_by(now):
            return gettext("This request has already started and can no longer be confirmed.")
        return None

    def decline_refusal(self, now: datetime.datetime | None = None) -> str | None:
        """The expert declines a request, or a confirmed session, that has not started yet."""
        if not self.is_live or self.started_by(now):
            return gettext("Only an upcoming request or session can be declined.")
        return None

    def change_refusal(self, now: datetime.datetime | None = None) -> str | None:
        """The cluster reschedules or cancels a live booking until ``CHANGE_DEADLINE_HOURS`` before its start."""
        if not self.is_live:
            return gettext("This consultation is no longer open to changes.")
        if (now or timezone.now()) >= self.change_deadline:
            return ngettext(
                "Changes are possible until %(hours)s hour before the start. Please contact the expert directly.",
                "Changes are possible until %(hours)s hours before the start. Please contact the expert directly.",
                CHANGE_DEADLINE_HOURS,
            ) % {"hours": CHANGE_DEADLINE_HOURS}
        return None

    def move_refusal(self, starts_at: datetime.datetime, hours: Decimal) -> str | None:
        """A move changes the time or the length: the same ones would only send the booking back to the expert."""
        if starts_at == self.starts_at and hours == self.hours:
            return gettext("This is the time already booked. Pick another time or length.")
        return None

    def outcome_refusal(self, user=None, now: datetime.datetime | None = None) -> str | None:
        """The session's expert logs the outcome of a confirmed session once it has started, and edits it for
        ``OUTCOME_EDIT_DAYS`` days. Programme staff log it on the expert's behalf and correct it at any time."""
        by_staff = user is not None and user.is_staff
        if user is not None and not by_staff and user.pk != self.expert.user_id:
            return gettext("Only the session's expert logs its outcome.")
        if not self.started_by(now):
            return gettext("The outcome can be logged once the session has started.")
        if self.status not in (self.Status.CONFIRMED, self.Status.HELD, self.Status.NO_SHOW):
            return gettext("Only a confirmed session has an outcome.")
        # Lists annotate ``has_outcome`` so that a row without one needs no query here.
        outcome = getattr(self, "outcome", None) if getattr(self, "has_outcome", True) else None
        if outcome is not None and not by_staff and outcome.locked_by(now):
            return ngettext(
                "The outcome was logged more than %(days)s day ago and is locked. Ask programme staff.",
                "The outcome was logged more than %(days)s days ago and is locked. Ask programme staff.",
                OUTCOME_EDIT_DAYS,
            ) % {"days": OUTCOME_EDIT_DAYS}
        return None

    def reassign_refusal(self, expert: "Expert | None" = None, now: datetime.datetime | None = None) -> str | None:
        """Staff hand a live consultation that has not started to another expert (whose own rules the service
        checks under lock: active, in the area, free)."""
        if not self.is_live or self.started_by(now):
            return gettext("Only an upcoming requested or confirmed consultation can be reassigned.")
        if expert is not None and expert.pk == self.expert_id:
            return gettext("The consultation is already with this expert.")
        return None

    def rating_refusal(self, user=None) -> str | None:
        """One of the cluster's managers rates a session once, after the expert logged it as held."""
        if user is not None and not self.cluster.is_managed_by(user):
            return gettext("Only the cluster's managers rate its consultations.")
        if hasattr(self, "rating"):
            return gettext("This session has already been rated.")
        if self.status != self.Status.HELD or not hasattr(self, "outcome"):
            return gettext("A session can be rated once the expert has logged it as held.")
        return None

    STAFF_STATUSES = (Status.CONFIRMED, Status.DECLINED, Status.CANCELLED)

    def staff_status_refusal(self, status: str, now: datetime.datetime | None = None) -> str | None:
        """Staff confirm or decline on the expert's behalf (the expert's rules apply), or cancel any live
        booking, even within the cluster's deadline or after the start. Held and no-show follow from the
        outcome; a declined or cancelled consultation is booked again rather than revived."""
        if status == self.status:
            return gettext("The consultation is already: %(status)s.") % {"status": self.get_status_display()}
        if status == self.Status.CONFIRMED:
            refusal = self.confirm_refusal(now)
            if refusal is None and self.awaits_meeting_link:
                # A confirmed online session has a link to join; the expert gives it when confirming themselves.
                return gettext(
                    "This online session has no meeting link yet: add it on the consultation's page first, or "
                    "leave the confirming to the expert, who gives the link with it."
                )
            return refusal
        if status == self.Status.DECLINED:
            return self.decline_refusal(now)
        if status == self.Status.CANCELLED:
            return None if self.is_live else gettext("Only a requested or confirmed consultation can be cancelled.")
        return gettext("Held and no-show follow from the session's outcome: log or correct the outcome instead.")

    # --- Another time proposed by the expert; details corrected by the cluster (issue 16) ------------------

    def propose_refusal(self, now: datetime.datetime | None = None) -> str | None:
        """The expert, instead of confirming or declining a request that has not started, proposes another time
        (one proposal at a time: the cluster answers it first)."""
        if self.status != self.Status.REQUESTED or self.started_by(now):
            return gettext("Another time can be proposed only for an upcoming request.")
        if self.proposed_starts_at is not None:
            return gettext("Another time is already proposed; the cluster has not answered yet.")
        return None

    def proposed_time_refusal(self, starts_at: datetime.datetime) -> str | None:
        """The proposed time is another one than the booked one (the expert's grid does not offer the booked one)."""
        if starts_at == self.starts_at:
            return gettext("Pick a time other than the booked one.")
        return None

    def proposal_answer_refusal(self, now: datetime.datetime | None = None) -> str | None:
        """The cluster accepts or declines the expert's proposed time while it is still ahead."""
        if self.status != self.Status.REQUESTED or self.proposed_starts_at is None:
            return gettext("There is no proposed time to answer.")
        if self.proposed_starts_at <= (now or timezone.now()):
            return gettext("The proposed time has passed.")
        return None

    def details_edit_refusal(self, now: datetime.datetime | None = None) -> str | None:
        """The cluster corrects the topic, agenda, place and meeting link under the same rule as a reschedule."""
        return self.change_refusal(now)

    @property
    def has_proposal(self) -> bool:
        return self.proposed_starts_at is not None

    @property
    def can_propose(self) -> bool:
        return self.propose_refusal() is None

    @property
    def can_answer_proposal(self) -> bool:
        return self.proposal_answer_refusal() is None

    @property
    def can_be_changed(self) -> bool:
        return self.change_refusal() is None

    def change_notice(self, now: datetime.datetime | None = None) -> str | None:
        """What the cluster's page says in place of the change buttons: why a live session still ahead can no longer
        be changed. A session that has started, or is over, says nothing about changes."""
        if not self.is_live or self.started_by(now):
            return None
        return self.change_refusal(now)

    @property
    def can_be_confirmed(self) -> bool:
        return self.confirm_refusal() is None

    @property
    def can_be_declined(self) -> bool:
        return self.decline_refusal() is None

    @property
    def can_be_rated(self) -> bool:
        """Held, logged by the expert, and not rated yet (a rating is given once)."""
        return self.rating_refusal() is None

    @property
    def can_log_outcome(self) -> bool:
        """Whether the outcome can be logged or edited (by its expert) now."""
        return self.outcome_refusal() is None

    @property
    def offers_rebooking(self) -> bool:
        """The expert turned it down (a request, or a confirmed session before it began): the cluster is
        offered another time in the same area and length."""
        return self.status == self.Status.DECLINED

    @property
    def max_hours_delivered(self) -> Decimal:
        return self.hours + OUTCOME_EXTRA_HOURS

    def accepts_hours_delivered(self, hours: Decimal | None) -> bool:
        """A held session delivers quarter hours, more than 0 and at most the booked length plus one hour."""
        return (
            hours is not None
            and hours.is_finite()
            and 0 < hours <= self.max_hours_delivered
            and not hours % HOURS_DELIVERED_STEP
        )

    def hours_delivered_message(self) -> str:
        """The one message for hours delivered that break ``accepts_hours_delivered``, with the numbers written
        as the reader's language writes them."""
        return gettext("Give the hours delivered in quarter hours, from %(min)s to %(max)s (e.g. %(example)s).") % {
            "min": hours_number(HOURS_DELIVERED_STEP),
            "max": hours_number(self.max_hours_delivered),
            "example": hours_number(Decimal("1.75")),
        }

    @property
    def awaits_meeting_link(self) -> bool:
        """An online session whose link the cluster left for the expert to add when confirming."""
        return self.format == self.Format.ONLINE and not self.meeting_url

    @property
    def meeting_link_to_come(self) -> str:
        """What the pages and emails say in place of a link the cluster left to the expert."""
        if self.status == self.Status.REQUESTED:
            return gettext("The expert will send the link when confirming.")
        return gettext("The expert will send the link.")

    @property
    def location(self) -> str:
        if self.format == self.Format.ONLINE:
            return self.meeting_url
        return place_line(self.address, self.city)

    # The two sides of a session in touch (issue 15) ---------------------------------------------------------

    CONTACT_STATUSES = (Status.CONFIRMED, Status.HELD, Status.NO_SHOW)

    @property
    def contacts_shared(self) -> bool:
        """Once the expert has confirmed, the cluster's managers and the expert see each other's email and phone
        (and emails between them carry a Reply-To of the other side); a mere request shares nothing."""
        return self.status in self.CONTACT_STATUSES

    def message_refusal(self, user) -> str | None:
        """Only the two sides write in a session's thread: the cluster's managers and the session's expert
        (staff read it)."""
        if user is None or not user.is_authenticated:
            return gettext("Only the cluster's managers and the session's expert write here.")
        if user.pk == self.expert.user_id or self.cluster.is_managed_by(user):
            return None
        return gettext("Only the cluster's managers and the session's expert write here.")


def place_line(address: str, city: str) -> str:
    """The address as one readable line: the city is added unless the address already ends with it."""
    address, city = (address or "").strip().rstrip(",").rstrip(), (city or "").strip()
    if not city or address.casefold().endswith(city.casefold()):
        return address
    return f"{address}, {city}" if address else city


class ConsultationChange(models.Model):
    """One change to a booking's time or details: who made it, in which role, why, and the time before and after.

    The consultation's own status fields say where it stands now; these rows say how it got there, so the page
    shows "moved from X to Y by the cluster manager: reason" and never lends one person's reason to another.
    """

    class Kind(models.TextChoices):
        RESCHEDULED = "rescheduled", _("Moved")
        PROPOSED = "proposed", _("Another time proposed")
        PROPOSAL_ACCEPTED = "accepted", _("Proposed time accepted")
        PROPOSAL_DECLINED = "declined", _("Proposed time declined")
        DETAILS = "details", _("Details corrected")

    class Role(models.TextChoices):
        MANAGER = "manager", _("cluster manager")
        EXPERT = "expert", _("expert")
        STAFF = "staff", _("programme staff")

    TIME_KINDS = (Kind.RESCHEDULED, Kind.PROPOSED, Kind.PROPOSAL_ACCEPTED, Kind.PROPOSAL_DECLINED)

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="changes", verbose_name=_("consultation")
    )
    kind = models.CharField(_("change"), max_length=12, choices=Kind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH, blank=True)
    old_starts_at = models.DateTimeField(_("old start"), null=True, blank=True)
    old_ends_at = models.DateTimeField(_("old end"), null=True, blank=True)
    new_starts_at = models.DateTimeField(_("new start"), null=True, blank=True)
    new_ends_at = models.DateTimeField(_("new end"), null=True, blank=True)
    fields_changed = models.CharField(_("fields changed"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation change")
        verbose_name_plural = _("consultation changes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["consultation", "-created_at"], name="consult_change_idx")]
        constraints = [
            # A change of time names both times; a correction of details names none.
            models.CheckConstraint(
                condition=(
                    Q(kind="details")
                    & Q(old_starts_at__isnull=True, old_ends_at__isnull=True)
                    & Q(new_starts_at__isnull=True, new_ends_at__isnull=True)
                )
                | (
                    ~Q(kind="details")
                    & Q(old_starts_at__isnull=False, new_starts_at__isnull=False)
                    & Q(old_ends_at__gt=models.F("old_starts_at"), new_ends_at__gt=models.F("new_starts_at"))
                ),
                name="consultations_change_times",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["rescheduled", "proposed", "accepted", "declined", "details"]),
                name="consultations_change_kind",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["manager", "expert", "staff"]), name="consultations_change_role"
            ),
            max_length_check(field="reason", limit=REASON_MAX_LENGTH, name="consultations_change_reason_max_length"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.consultation_id}"

    def get_kind_display(self) -> str:
        return choice_label(self.Kind, self.kind)

    def get_role_display(self) -> str:
        return choice_label(self.Role, self.role)

    @property
    def is_time_change(self) -> bool:
        return self.kind in self.TIME_KINDS


CHANGE_DEADLINE_HOURS = 24
OUTCOME_EDIT_DAYS = 7
OUTCOME_EXTRA_HOURS = Decimal("1")  # a session may run over its booked length by this much
HOURS_DELIVERED_STEP = Decimal("0.25")


class ExtraHours(models.TextChoices):
    """Where hours logged over the booked length stand (empty: none were logged)."""

    PENDING = "pending", _("Awaiting the cluster")
    ACCEPTED = "accepted", _("Accepted")
    DISPUTED = "disputed", _("Disputed")
    REFUSED = "refused", _("Not counted")


# Extra hours in these states do not count: only the booked length does.
EXTRA_UNCOUNTED = (ExtraHours.PENDING, ExtraHours.DISPUTED, ExtraHours.REFUSED)


def extra_hours_dispute_days() -> int:
    return settings.EXTRA_HOURS_DISPUTE_DAYS


def counted_hours(prefix: str = "", *, booked_hours: str = "") -> models.Expression:
    """The hours an outcome counts toward the cluster's delivered hours, as an expression over ``SessionOutcome``
    (``prefix`` reaches it from another model, ``booked_hours`` names the booked length from there when it is
    nearer than through the outcome): all it delivered, or at most the booked length while hours over it are not
    accepted."""
    delivered = models.F(f"{prefix}hours_delivered")
    return models.Case(
        models.When(
            **{f"{prefix}extra_status__in": EXTRA_UNCOUNTED},
            then=Least(delivered, models.F(booked_hours or f"{prefix}consultation__hours")),
        ),
        default=delivered,
        output_field=models.DecimalField(max_digits=8, decimal_places=2),
    )


class SessionOutcome(models.Model):
    """What happened in a session, written by its expert; editable by them for a week, by staff always (admin)."""

    class Result(models.TextChoices):
        HELD = "held", _("Held")
        NO_SHOW = "no_show", _("No-show")

    consultation = models.OneToOneField(
        Consultation, on_delete=models.PROTECT, related_name="outcome", verbose_name=_("consultation")
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, default=Result.HELD)
    summary = models.TextField(_("summary"), max_length=SUMMARY_MAX_LENGTH)
    recommendations = models.TextField(_("recommendations"), max_length=RECOMMENDATIONS_MAX_LENGTH, blank=True)
    follow_up_actions = models.TextField(_("agreed follow-up actions"), max_length=FOLLOW_UP_MAX_LENGTH, blank=True)
    hours_delivered = models.DecimalField(
        _("hours delivered"),
        max_digits=4,
        decimal_places=2,
        help_text=_("In quarter hours, e.g. 1.75."),
    )
    indicator_areas = models.ManyToManyField(
        "clusters.IndicatorArea",
        related_name="session_outcomes",
        blank=True,
        verbose_name=_("indicator areas served"),
        help_text=_("The benchmarking's indicator areas the session built evidence for."),
    )
    # Hours over the booked length count once the cluster accepts them, lets the dispute window pass, or staff
    # decide (``counted_hours``); until then only the booked length counts.
    extra_status = models.CharField(_("extra hours"), max_length=10, choices=ExtraHours.choices, blank=True, default="")
    extra_due_at = models.DateTimeField(_("extra hours can be disputed until"), null=True, blank=True)
    extra_dispute_reason = models.TextField(_("reason for the dispute"), max_length=REASON_MAX_LENGTH, blank=True)
    extra_decision_note = models.TextField(_("staff decision"), max_length=REASON_MAX_LENGTH, blank=True)
    extra_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("extra hours decided by"),
    )
    extra_decided_at = models.DateTimeField(_("extra hours decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoryWithManyToMany(m2m_fields=[indicator_areas])

    class Meta:
        verbose_name = _("session outcome")
        verbose_name_plural = _("session outcomes")
        ordering = ["-created_at"]
        indexes = [
            # Staff's list of outcomes, newest first (the admin adds the id to the order): a page reads 50
            # index entries instead of sorting every outcome.
            models.Index(fields=["-created_at", "-id"], name="consult_outcome_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(result="held") & Q(hours_delivered__gt=0) & Q(hours_delivered__lte=Decimal("5")))
                | (Q(result="no_show") & Q(hours_delivered=0)),
                name="consultations_outcome_hours",
                violation_error_message=_(
                    "A held session delivers more than 0 and at most 5 hours; a no-show delivers 0 hours."
                ),
            ),
            max_length_check(
                field="summary", limit=SUMMARY_MAX_LENGTH, name="consultations_outcome_summary_max_length"
            ),
            max_length_check(
                field="recommendations",
                limit=RECOMMENDATIONS_MAX_LENGTH,
                name="consultations_outcome_recommendations_max_length",
            ),
            max_length_check(
                field="follow_up_actions", limit=FOLLOW_UP_MAX_LENGTH, name="consultations_outcome_follow_up_max_length"
            ),
            models.CheckConstraint(
                condition=Q(extra_status__in=["", "pending", "accepted", "disputed", "refused"]),
                name="consultations_outcome_extra_status",
            ),
            # Extra hours awaiting the cluster have a deadline; a dispute has its reason; no-shows have no extra.
            models.CheckConstraint(
                condition=~Q(extra_status="pending") | Q(extra_due_at__isnull=False),
                name="consultations_outcome_extra_due",
            ),
            models.CheckConstraint(
                condition=~Q(extra_status="disputed") | Q(extra_dispute_reason__gt=""),
                name="consultations_outcome_dispute_reason",
            ),
            models.CheckConstraint(
                condition=Q(result="held") | Q(extra_status=""), name="consultations_outcome_no_show_no_extra"
            ),
            max_length_check(
                field="extra_dispute_reason",
                limit=REASON_MAX_LENGTH,
                name="consultations_outcome_dispute_reason_max_length",
            ),
            max_length_check(
                field="extra_decision_note",
                limit=REASON_MAX_LENGTH,
                name="consultations_outcome_decision_note_max_length",
            ),
        ]

    def __str__(self):
        return str(self.consultation)

    @property
    def editable_until(self) -> datetime.datetime:
        return self.created_at + datetime.timedelta(days=OUTCOME_EDIT_DAYS)

    def locked_by(self, now: datetime.datetime | None = None) -> bool:
        """Past its expert's edit window at ``now`` (staff still correct it)."""
        return (now or timezone.now()) >= self.editable_until

    # --- Extra hours (over the booked length) -------------------------------------------------------------

    def get_extra_status_display(self) -> str:
        return choice_label(ExtraHours, self.extra_status)

    @property
    def extra_hours(self) -> Decimal:
        """Hours logged over the booked length (0 when none)."""
        return max(self.hours_delivered - self.consultation.hours, Decimal("0"))

    @property
    def hours_counted(self) -> Decimal:
        """What this outcome counts toward the cluster's delivered hours (``counted_hours``, for one row)."""
        if self.extra_status in EXTRA_UNCOUNTED:
            return min(self.hours_delivered, self.consultation.hours)
        return self.hours_delivered

    def _is_manager(self, user) -> bool:
        return self.consultation.cluster.is_managed_by(user)

    def extra_accept_refusal(self, user=None) -> str | None:
        """One of the cluster's managers accepts the extra hours while they await the cluster's answer."""
        if user is not None and not self._is_manager(user):
            return gettext("Only the cluster's managers answer for its hours.")
        if self.extra_status != ExtraHours.PENDING:
            return gettext("There are no extra hours awaiting your answer.")
        return None

    def extra_dispute_refusal(self, user=None, now: datetime.datetime | None = None) -> str | None:
        """One of the cluster's managers disputes the extra hours, within ``EXTRA_HOURS_DISPUTE_DAYS`` of their
        logging; after that they count."""
        refusal = self.extra_accept_refusal(user)
        if refusal:
            return refusal
        if (now or timezone.now()) >= self.extra_due_at:
            days = extra_hours_dispute_days()
            return ngettext(
                "Extra hours can be disputed within %(days)s day of their logging; this time has passed.",
                "Extra hours can be disputed within %(days)s days of their logging; this time has passed.",
                days,
            ) % {"days": days}
        return None

    def extra_resolve_refusal(self) -> str | None:
        """Programme staff decide on extra hours that are disputed or still await the cluster."""
        if self.extra_status not in (ExtraHours.PENDING, ExtraHours.DISPUTED):
            return gettext("These extra hours are already decided.")
        return None

    @property
    def can_answer_extra(self) -> bool:
        return self.extra_status == ExtraHours.PENDING

    @property
    def can_dispute_extra(self) -> bool:
        return self.extra_dispute_refusal() is None

    def delete_refusal(self) -> str | None:
        """Why staff cannot remove this outcome, or None: a rated session keeps its outcome (correct it instead)."""
        if Rating.objects.filter(consultation_id=self.consultation_id).exists():
            return gettext(
                "The cluster has rated this session, so its outcome stays: correct it instead of deleting it."
            )
        return None


class Rating(models.Model):
    """A cluster manager's one-time rating of a held session."""

    consultation = models.OneToOneField(
        Consultation, on_delete=models.PROTECT, related_name="rating", verbose_name=_("consultation")
    )
    score = models.PositiveSmallIntegerField(
        _("rating"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("From 1 (poor) to 5 (excellent)."),
    )
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("rated by")
    )
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5),
                name="consultations_rating_score_range",
                violation_error_message=_("Give a rating from 1 to 5."),
            ),
            max_length_check(field="comment", limit=COMMENT_MAX_LENGTH, name="consultations_rating_comment_max_length"),
        ]

    def __str__(self):
        return f"{self.score}/5 – {self.consultation}"


HOURS = models.DecimalField(max_digits=8, decimal_places=2)
MAX_HOURS_PER_AREA = Decimal("1000")


def allocation_held_hours(now=None):
    """Annotation for ``HourAllocation``: the hours held by its live bookings (``ConsultationQuerySet.holding_hours``).

    A correlated subquery over the partial index of live bookings, so its cost follows the few live bookings
    of each allocation, not the agreement's history.
    """
    held = (
        Consultation.objects.holding_hours(now)
        .filter(agreement_id=models.OuterRef("agreement_id"), service_area_id=models.OuterRef("service_area_id"))
        .order_by()
        .values("agreement_id")
        .annotate(total=models.Sum("hours"))
        .values("total")
    )
    return Coalesce(
        models.Subquery(held, output_field=HOURS), models.Value(Decimal("0.00"), output_field=HOURS), output_field=HOURS
    )


class HourAllocationQuerySet(models.QuerySet):
    def with_usage(self):
        """Annotate ``hours_held`` (by live bookings) and ``hours_remaining``.

        Delivered hours are kept on the row (``hours_delivered``, recounted whenever an outcome changes), so a
        page of many allocations never sums the programme's whole history of outcomes.
        """
        return self.annotate(hours_held=allocation_held_hours()).annotate(
            hours_remaining=models.F("hours_granted") - models.F("hours_delivered") - models.F("hours_held")
        )


class HourAllocation(models.Model):
    """An agreement's consultancy hours in one service area: granted by staff, used by the cluster's sessions.

    Remaining = granted − (delivered by logged outcomes + held by live bookings): ``HourAllocationQuerySet.with_usage``.
    """

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.CASCADE, related_name="allocations", verbose_name=_("agreement")
    )
    service_area = models.ForeignKey(
        ServiceArea, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("service area")
    )
    hours_granted = models.DecimalField(
        _("hours granted"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(MAX_HOURS_PER_AREA)],
        help_text=_("Consultancy hours granted in this service area, at most 1000."),
    )
    hours_delivered = models.DecimalField(
        _("hours delivered"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        editable=False,
        help_text=_("The sum of the hours delivered in the logged outcomes of this agreement's sessions in the area."),
    )

    history = HistoricalRecords(excluded_fields=["hours_delivered"])  # a counter, not an edit
    objects = HourAllocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("hour allocation")
        verbose_name_plural = _("hour allocations")
        ordering = ["agreement", "service_area__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "service_area"],
                name="agreements_one_allocation_per_area",
                violation_error_message=_("This agreement already has hours in this service area."),
            ),
            models.CheckConstraint(
                condition=Q(hours_granted__gt=0) & Q(hours_granted__lte=MAX_HOURS_PER_AREA),
                name="agreements_allocation_hours_range",
            ),
            models.CheckConstraint(condition=Q(hours_delivered__gte=0), name="agreements_allocation_delivered_gte_0"),
        ]

    def __str__(self):
        return f"{self.service_area}: {self.hours_granted} h"

    def hours_used(self) -> Decimal:
        """The hours the agreement's sessions in the area use: delivered by logged outcomes plus held by live
        bookings (``ConsultationQuerySet.holding_hours``). Summed from the sessions themselves, not the
        ``hours_delivered`` counter, so it holds for an allocation not saved yet (one of an area given up earlier)."""
        sessions = Consultation.objects.filter(agreement_id=self.agreement_id, service_area_id=self.service_area_id)
        delivered = SessionOutcome.objects.filter(consultation__in=sessions).aggregate(
            total=models.Sum(counted_hours())
        )
        held = sessions.holding_hours().aggregate(total=models.Sum("hours"))
        return (delivered["total"] or Decimal("0")) + (held["total"] or Decimal("0"))

    def hours_granted_refusal(self, hours: Decimal | None) -> str | None:
        """Why ``hours`` cannot be granted (None when they can): fewer than the hours already used, which would
        leave the cluster and staff a negative remainder. ``hours`` of None (giving the area up) counts as 0."""
        used = self.hours_used()
        if (hours or Decimal("0")) >= used:
            return None
        return gettext(
            "%(used)s of these hours are already delivered or held by bookings: grant at least %(used)s."
        ) % {"used": format_hours(used)}


class ConsultationMessage(models.Model):
    """A short note in a session's thread between the cluster's managers and its expert; staff read them.

    Nothing is edited or deleted: the thread is part of the session's history.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="messages", verbose_name=_("consultation")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation message")
        verbose_name_plural = _("consultation messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["consultation", "created_at"], name="consult_message_thread_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(body__gt=""), name="consultations_message_not_empty"),
            max_length_check(field="body", limit=MESSAGE_MAX_LENGTH, name="consultations_message_max_length"),
        ]

    def __str__(self):
        return f"{self.author}: {self.body[:40]}"

    def get_absolute_url(self):
        return f"{self.consultation.get_absolute_url()}#thread"
