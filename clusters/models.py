import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from inolink.text_limits import max_length_check

# How much staff may write in the label records' notes and reasons (the field, its form and its database check).
NOTES_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 1000


class Region(models.TextChoices):
    """The ten counties (apskritys) of Lithuania."""

    ALYTUS = "alytus", _("Alytus County")
    KAUNAS = "kaunas", _("Kaunas County")
    KLAIPEDA = "klaipeda", _("Klaipėda County")
    MARIJAMPOLE = "marijampole", _("Marijampolė County")
    PANEVEZYS = "panevezys", _("Panevėžys County")
    SIAULIAI = "siauliai", _("Šiauliai County")
    TAURAGE = "taurage", _("Tauragė County")
    TELSIAI = "telsiai", _("Telšiai County")
    UTENA = "utena", _("Utena County")
    VILNIUS = "vilnius", _("Vilnius County")


class Sector(models.TextChoices):
    HEALTH = "health", _("Health and wellness")
    FOOD = "food", _("Food and agriculture")
    ICT = "ict", _("Information and communication technology")
    LASERS = "lasers", _("Lasers, photonics and engineering")
    MANUFACTURING = "manufacturing", _("Manufacturing and materials")
    TRANSPORT = "transport", _("Transport and logistics")
    ENERGY = "energy", _("Energy and environment")
    AUTOMOTIVE = "automotive", _("Automotive")
    CREATIVE = "creative", _("Creative industries")
    BIOTECH = "biotech", _("Biotechnology")
    CONSTRUCTION = "construction", _("Construction and wood")
    TEXTILE = "textile", _("Textiles and furniture")
    OTHER = "other", _("Other")


class LabelLevel(models.IntegerChoices):
    """European Cluster Excellence labels; a higher number is a higher label."""

    BRONZE = 1, _("Bronze")
    SILVER = 2, _("Silver")
    GOLD = 3, _("Gold")


def label_valid_on(day: datetime.date, awards: str = "") -> Q:
    """Label awards valid on the day, reached through the lookup path ``awards`` (for instance ``"label_awards__"``)."""
    return Q(**{f"{awards}awarded_on__lte": day, f"{awards}valid_until__gte": day})


class ClusterQuerySet(models.QuerySet):
    def with_current_label(self, on: datetime.date | None = None):
        """Annotate ``current_label``: the highest label level valid on the day (default today)."""
        day = on or timezone.localdate()
        return self.annotate(
            current_label=Max(
                "label_awards__level",
                filter=label_valid_on(day, "label_awards__"),
            )
        )

    def with_eligibility_figures(self):
        """Annotate ``member_count`` and ``member_kind_count`` (kinds of the member organisations) for eligibility."""
        members = Membership.objects.filter(cluster=OuterRef("pk")).values("cluster")
        return self.annotate(
            member_count=Coalesce(Subquery(members.annotate(n=Count("pk")).values("n")), 0),
            member_kind_count=Coalesce(
                Subquery(members.annotate(n=Count("organisation__kind", distinct=True)).values("n")), 0
            ),
        )

    def managed_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(managers=user)


class Cluster(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    name = models.CharField(_("name"), max_length=200, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=255, blank=True)
    company_code = models.CharField(
        _("company code"), max_length=20, unique=True, help_text=_("Code in the Register of Legal Entities.")
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, default=Sector.OTHER)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    founded_year = models.PositiveSmallIntegerField(
        _("founding year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    website = models.URLField(_("website"), blank=True)
    # What the label's eligibility pre-check reads (see LabelRules and clusters.selectors.cluster_eligibility).
    eccp_profile_url = models.URLField(
        _("ECCP profile"),
        blank=True,
        help_text=_("The cluster's profile on the European Cluster Collaboration Platform."),
    )
    english_website_url = models.URLField(_("website in English"), blank=True)
    management_fte = models.DecimalField(
        _("cluster management staff (FTE)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Full-time equivalents working for the cluster management organisation."),
    )
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Illustrative registry entry loaded with the demo, not a real cluster."),
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cluster managers"),
        related_name="managed_clusters",
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[managers])
    objects = ClusterQuerySet.as_manager()

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True) | Q(founded_year__gte=1990, founded_year__lte=2100),
                name="clusters_cluster_founded_year_range",
            ),
            models.CheckConstraint(
                condition=Q(management_fte__isnull=True) | Q(management_fte__gte=0),
                name="clusters_cluster_management_fte_gte_0",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("clusters:cluster-detail", args=[self.pk])

    def is_managed_by(self, user) -> bool:
        """Whether ``user`` is one of the cluster's managers (one query; a signed-out visitor never is)."""
        return user is not None and user.is_authenticated and self.managers.filter(pk=user.pk).exists()

    @property
    def current_label_level(self) -> "LabelLevel | None":
        """The highest label valid today, from the ``with_current_label()`` annotation when present."""
        if not hasattr(self, "current_label"):
            self.current_label = (
                type(self)
                .objects.filter(pk=self.pk)
                .with_current_label()
                .values_list("current_label", flat=True)
                .first()
            )
        return LabelLevel(self.current_label) if self.current_label else None


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        UNIVERSITY = "university", _("University")
        RESEARCH = "research", _("Research body")
        PUBLIC = "public", _("Public body")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=255)
    code = models.CharField(_("organisation code"), max_length=30, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    country = models.CharField(_("country"), max_length=2, default="LT", help_text=_("ISO 3166 two-letter code."))
    website = models.URLField(_("website"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "code"], condition=~Q(code=""), name="clusters_organisation_unique_code"
            ),
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="clusters_organisation_country_iso"),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        MEMBER = "member", _("Member")

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("cluster")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["cluster", "-role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "organisation"], name="clusters_membership_unique"),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.cluster}"


class LabelAward(models.Model):
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="label_awards", verbose_name=_("cluster")
    )
    level = models.PositiveSmallIntegerField(_("label"), choices=LabelLevel.choices)
    awarded_on = models.DateField(_("awarded on"))
    valid_until = models.DateField(_("valid until"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    benchmarking = models.OneToOneField(
        "Benchmarking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="label_award",
        verbose_name=_("benchmarking"),
        help_text=_("The benchmarking that earned the label; its validity then follows the label rules."),
    )
    valid_until_override = models.DateField(
        _("validity set by staff"),
        null=True,
        blank=True,
        help_text=_("Leave empty to follow the label rules; when set, it replaces the computed validity."),
    )
    override_reason = models.TextField(_("reason for the override"), max_length=REASON_MAX_LENGTH, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("label award")
        verbose_name_plural = _("label awards")
        ordering = ["-awarded_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("awarded_on")), name="clusters_labelaward_valid_after_award"
            ),
            models.CheckConstraint(condition=Q(level__in=LabelLevel.values), name="clusters_labelaward_level_valid"),
            # An override always carries its reason, and the validity the queries read is the override.
            models.CheckConstraint(
                condition=Q(valid_until_override__isnull=True, override_reason="")
                | (
                    Q(valid_until_override__isnull=False, valid_until=models.F("valid_until_override"))
                    & ~Q(override_reason="")
                ),
                name="clusters_labelaward_override_with_reason",
            ),
            max_length_check(
                field="override_reason", limit=REASON_MAX_LENGTH, name="clusters_labelaward_override_reason_max_length"
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} – {self.cluster} ({self.awarded_on:%Y-%m-%d})"

    def clean(self):
        if self.awarded_on and self.valid_until and self.valid_until <= self.awarded_on:
            raise ValidationError({"valid_until": _("A label must be valid until a date after it was awarded.")})

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.awarded_on <= day <= self.valid_until

    def renewed_award(self) -> "LabelAward | None":
        """The bronze award a renewal extends: the cluster's other bronze award that ran out last before this one."""
        return (
            LabelAward.objects.filter(
                cluster_id=self.cluster_id, level=LabelLevel.BRONZE, awarded_on__lt=self.awarded_on
            )
            .exclude(pk=self.pk)
            .order_by("-valid_until")
            .first()
        )

    def computed_valid_until(self, rules: "LabelRules | None" = None) -> datetime.date | None:
        """The validity the label rules give this award; None for an award recorded without its benchmarking.

        A first label counts from the interview month; a renewal extends the renewed award's validity period.
        """
        if self.benchmarking is None:
            return None
        rules = rules or LabelRules.load()
        if self.benchmarking.kind == Benchmarking.Kind.BRONZE_RENEWAL:
            renewed = self.renewed_award()
            if renewed is not None:
                return rules.renewal_valid_until(previous_valid_until=renewed.valid_until)
        return rules.first_valid_until(month=self.benchmarking.month, level=self.benchmarking.level)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after ``day``'s month (negative goes back)."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(day: datetime.date) -> datetime.date:
    """The last day of ``day``'s month."""
    return add_months(day, 1) - datetime.timedelta(days=1)


class LabelRules(models.Model):
    """The numbers of the label rules, in one row staff edit in the admin; each field's help text cites its source.

    Awards keep the validity computed when they were made: changing a number here changes what is computed and
    projected from then on, not the certificates already issued.
    """

    bronze_validity_months = models.PositiveSmallIntegerField(
        _("bronze validity (months)"),
        default=24,
        help_text=_("ESCA, Bronze label: a first bronze label is valid for two years from the month of the interview."),
    )
    renewal_grace_months = models.PositiveSmallIntegerField(
        _("renewal allowed after expiry (months)"),
        default=12,
        help_text=_(
            "ESCA, Bronze label: it can be renewed up to one year after it expires by repeating the benchmarking."
        ),
    )
    renewal_extension_months = models.PositiveSmallIntegerField(
        _("renewal extends validity by (months)"),
        default=36,
        help_text=_("ESCA, Bronze label: a renewal extends validity by three years from the previous validity period."),
    )
    silver_window_from_months = models.PositiveSmallIntegerField(
        _("silver re-benchmarking from (months after the first)"),
        default=18,
        help_text=_("ESCA, Silver label: a second benchmarking 1.5 to 2 years after the first one."),
    )
    silver_window_to_months = models.PositiveSmallIntegerField(
        _("silver re-benchmarking until (months after the first)"),
        default=24,
        help_text=_("ESCA, Silver label: a second benchmarking 1.5 to 2 years after the first one."),
    )
    silver_validity_months = models.PositiveSmallIntegerField(
        _("silver validity (months)"),
        default=24,
        help_text=_(
            "ESCA, Silver label: validity from the month of the re-benchmarking; check the current ESCA rules."
        ),
    )
    gold_validity_months = models.PositiveSmallIntegerField(
        _("gold validity (months)"),
        default=24,
        help_text=_("ESCA, Gold label: validity from the month of the assessment; check the current ESCA rules."),
    )
    min_members = models.PositiveSmallIntegerField(
        _("minimum members"),
        default=15,
        help_text=_("ECCP validation criteria for a cluster organisation profile: at least 15 members."),
    )
    min_member_kinds = models.PositiveSmallIntegerField(
        _("minimum kinds of members"),
        default=2,
        help_text=_(
            "ECCP validation criteria: at least 2 kinds of members (e.g. companies and research or education "
            "organisations)."
        ),
    )
    min_management_fte = models.DecimalField(
        _("minimum cluster management staff (FTE)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("ECCP validation criteria: at least 0.5 full-time-equivalent cluster management staff."),
    )
    english_website_required = models.BooleanField(
        _("website in English required"),
        default=True,
        help_text=_("ECCP validation criteria: a website in English."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("label rules")
        verbose_name_plural = _("label rules")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="clusters_labelrules_singleton"),
            models.CheckConstraint(
                condition=Q(silver_window_from_months__lte=models.F("silver_window_to_months")),
                name="clusters_labelrules_silver_window_order",
            ),
            models.CheckConstraint(condition=Q(min_management_fte__gte=0), name="clusters_labelrules_fte_gte_0"),
        ]

    def __str__(self):
        return str(_("Label rules"))

    def save(self, *args, **kwargs):
        self.pk = 1  # one row: the rules in force
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "LabelRules":
        """The rules in force; the defaults (the data migration's row) when staff have not changed them."""
        rules, _created = cls.objects.get_or_create(pk=1)
        return rules

    def validity_months(self, level: int) -> int:
        return {
            LabelLevel.BRONZE: self.bronze_validity_months,
            LabelLevel.SILVER: self.silver_validity_months,
            LabelLevel.GOLD: self.gold_validity_months,
        }[level]

    # Labels are valid "until" a month (the certificate reads e.g. 02/2028): the last valid day is that month's last.

    def first_valid_until(self, *, month: datetime.date, level: int) -> datetime.date:
        """Last valid day of a label earned at a benchmarking in ``month``: valid until the month N months on."""
        return month_end(add_months(month, self.validity_months(level)))

    def renewal_valid_until(self, *, previous_valid_until: datetime.date) -> datetime.date:
        """A renewal extends the previous validity period by the extension, whenever in the grace it is held."""
        return month_end(add_months(previous_valid_until, self.renewal_extension_months))

    def renew_by(self, valid_until: datetime.date) -> datetime.date:
        """The last month in which a bronze label valid until ``valid_until`` can still be renewed."""
        return add_months(valid_until, self.renewal_grace_months)

    def silver_window(self, first_month: datetime.date) -> tuple[datetime.date, datetime.date]:
        """First and last month in which the silver re-benchmarking after a first one in ``first_month`` may be held."""
        return add_months(first_month, self.silver_window_from_months), add_months(
            first_month, self.silver_window_to_months
        )


# The six areas of the benchmarking's 36 indicators, seeded by clusters/migrations; listed here for the catalogue.
INDICATOR_AREA_NAMES = [
    gettext_noop("Structure of the cluster"),
    gettext_noop("Cluster management and governance"),
    gettext_noop("Financing of the cluster management"),
    gettext_noop("Services provided by the cluster management"),
    gettext_noop("Contacts and interaction within the cluster"),
    gettext_noop("Achievements and recognition"),
]


class IndicatorArea(models.Model):
    """One of the six areas the benchmarking's indicators are grouped in."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator area")
        verbose_name_plural = _("indicator areas")
        ordering = ["position", "name"]

    def __str__(self):
        return gettext(self.name)


class BenchmarkingQuerySet(models.QuerySet):
    def planned(self):
        return self.filter(status=Benchmarking.Status.PLANNED)


class Benchmarking(models.Model):
    """A benchmarking interview (or gold assessment) of a cluster organisation, planned or held."""

    class Kind(models.TextChoices):
        FIRST_BRONZE = "first_bronze", _("First bronze benchmarking")
        BRONZE_RENEWAL = "bronze_renewal", _("Bronze renewal")
        SILVER = "silver", _("Silver re-benchmarking")
        GOLD = "gold", _("Gold assessment")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("benchmarking status", "Planned")
        HELD = "held", pgettext_lazy("benchmarking status", "Held")
        AWARDED = "awarded", pgettext_lazy("benchmarking status", "Label awarded")
        NOT_AWARDED = "not_awarded", pgettext_lazy("benchmarking status", "Not awarded")

    # The label a successful benchmarking of each kind earns.
    LEVEL = {
        Kind.FIRST_BRONZE: LabelLevel.BRONZE,
        Kind.BRONZE_RENEWAL: LabelLevel.BRONZE,
        Kind.SILVER: LabelLevel.SILVER,
        Kind.GOLD: LabelLevel.GOLD,
    }

    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="benchmarkings", verbose_name=_("cluster")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    month = models.DateField(
        _("month"), help_text=_("The month it is planned for or was held in; stored as the month's first day.")
    )
    expert = models.CharField(_("benchmarking expert or organisation"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    improvement_area_1 = models.ForeignKey(
        IndicatorArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("improvement area 1"),
    )
    improvement_area_2 = models.ForeignKey(
        IndicatorArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("improvement area 2"),
    )
    improvement_area_3 = models.ForeignKey(
        IndicatorArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("improvement area 3"),
    )
    notes = models.TextField(_("notes"), max_length=NOTES_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    objects = BenchmarkingQuerySet.as_manager()

    class Meta:
        verbose_name = _("benchmarking")
        verbose_name_plural = _("benchmarkings")
        ordering = ["cluster", "month"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="clusters_benchmarking_month_first_day"),
            max_length_check(field="notes", limit=NOTES_MAX_LENGTH, name="clusters_benchmarking_notes_max_length"),
            models.UniqueConstraint(
                fields=["cluster", "kind"],
                condition=Q(status="planned"),
                name="clusters_benchmarking_one_planned_per_kind",
                violation_error_message=_("This cluster already has a benchmarking of this kind planned."),
            ),
            # Only a silver re-benchmarking claims improvement areas: none, or three different ones.
            models.CheckConstraint(
                condition=Q(
                    improvement_area_1__isnull=True, improvement_area_2__isnull=True, improvement_area_3__isnull=True
                )
                | (
                    Q(
                        kind="silver",
                        improvement_area_1__isnull=False,
                        improvement_area_2__isnull=False,
                        improvement_area_3__isnull=False,
                    )
                    & ~Q(improvement_area_1=models.F("improvement_area_2"))
                    & ~Q(improvement_area_1=models.F("improvement_area_3"))
                    & ~Q(improvement_area_2=models.F("improvement_area_3"))
                ),
                name="clusters_benchmarking_silver_claims_three_areas",
            ),
            # A silver label is only awarded on the three improvements it claims.
            models.CheckConstraint(
                condition=~Q(kind="silver", status="awarded") | Q(improvement_area_1__isnull=False),
                name="clusters_benchmarking_awarded_silver_names_areas",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.cluster} ({self.month:%Y-%m})"

    @property
    def level(self) -> LabelLevel:
        return self.LEVEL[self.kind]

    @property
    def improvement_areas(self) -> list[IndicatorArea]:
        return [area for area in (self.improvement_area_1, self.improvement_area_2, self.improvement_area_3) if area]


class BenchmarkingAreaResult(models.Model):
    """What a held benchmarking found in one indicator area, where known."""

    benchmarking = models.ForeignKey(
        Benchmarking, on_delete=models.CASCADE, related_name="area_results", verbose_name=_("benchmarking")
    )
    area = models.ForeignKey(
        IndicatorArea, on_delete=models.PROTECT, related_name="results", verbose_name=_("indicator area")
    )
    score = models.PositiveSmallIntegerField(
        _("score (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("The share of the area's indicators met, where the report gives it."),
    )
    notes = models.TextField(_("notes"), max_length=NOTES_MAX_LENGTH, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("area result")
        verbose_name_plural = _("area results")
        ordering = ["benchmarking", "area__position"]
        constraints = [
            models.UniqueConstraint(fields=["benchmarking", "area"], name="clusters_benchmarkingarearesult_unique"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="clusters_benchmarkingarearesult_score_range"
            ),
            max_length_check(
                field="notes", limit=NOTES_MAX_LENGTH, name="clusters_benchmarkingarearesult_notes_max_length"
            ),
        ]

    def __str__(self):
        return f"{self.area}: {self.score if self.score is not None else '—'}"


class EligibilityCriterion(models.TextChoices):
    """What the bronze label's eligibility pre-check looks at (ECCP profile and its validation criteria)."""

    ECCP_PROFILE = "eccp_profile", _("Profile on the ECCP")
    MEMBERS = "members", _("Members")
    MEMBER_KINDS = "member_kinds", _("Kinds of members")
    MANAGEMENT_FTE = "management_fte", _("Cluster management staff")
    ENGLISH_WEBSITE = "english_website", _("Website in English")


class EligibilityWaiver(models.Model):
    """Staff waive a criterion, e.g. for a cluster in a national programme with other requirements."""

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="eligibility_waivers", verbose_name=_("cluster")
    )
    criterion = models.CharField(_("criterion"), max_length=20, choices=EligibilityCriterion.choices)
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("waived by"),
    )
    waived_at = models.DateTimeField(_("waived at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("eligibility waiver")
        verbose_name_plural = _("eligibility waivers")
        ordering = ["cluster", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "criterion"], name="clusters_eligibilitywaiver_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="clusters_eligibilitywaiver_reason"),
            max_length_check(
                field="reason", limit=REASON_MAX_LENGTH, name="clusters_eligibilitywaiver_reason_max_length"
            ),
            models.CheckConstraint(
                condition=Q(criterion__in=EligibilityCriterion.values), name="clusters_eligibilitywaiver_criterion"
            ),
        ]

    def __str__(self):
        return f"{self.cluster}: {self.get_criterion_display()}"
