import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("clusters:cluster-detail", args=[self.pk])

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
        ]

    def __str__(self):
        return f"{self.get_level_display()} – {self.cluster} ({self.awarded_on:%Y-%m-%d})"

    def clean(self):
        if self.awarded_on and self.valid_until and self.valid_until <= self.awarded_on:
            raise ValidationError({"valid_until": _("A label must be valid until a date after it was awarded.")})

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.awarded_on <= day <= self.valid_until
