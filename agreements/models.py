import datetime

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from clusters.models import Cluster, LabelLevel, Organisation, label_valid_on
from inolink.bilingual import BilingualText, written_in_either

from .validators import validate_pdf_document


class ProgrammeQuerySet(models.QuerySet):
    def with_kpi_progress(self, on: datetime.date | None = None):
        """Annotate ``bronze_count`` and ``silver_count``: programme clusters holding at least that label.

        Programme clusters count while their agreement in the programme is active on the day (fully signed, not
        terminated, the day inside its period: ``AgreementQuerySet.active``), the rule the label projection
        (agreements/label_projection.py) counts by. A cluster holding silver has passed bronze too, so it counts
        toward both. Both counts are taken over one join of agreements and label awards: correlated subqueries
        per level took milliseconds to compile.
        """
        day = on or timezone.localdate()
        active = Agreement.objects.active(on=day).values("pk")

        def clusters_holding(level):
            award = "agreements__cluster__label_awards__"
            return Count(
                "agreements__cluster",
                distinct=True,
                filter=Q(agreements__in=active, **{f"{award}level__gte": level}) & label_valid_on(day, award),
            )

        return self.annotate(
            bronze_count=clusters_holding(LabelLevel.BRONZE), silver_count=clusters_holding(LabelLevel.SILVER)
        )


class Programme(models.Model):
    # Staff write the name in Lithuanian, in English or both; ``name`` gives the reader's (inolink/bilingual.py).
    name_lt = models.CharField(_("name in Lithuanian"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    agency = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programmes_as_agency", verbose_name=_("agency")
    )
    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programmes_as_partner", verbose_name=_("partner")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    bronze_target = models.PositiveSmallIntegerField(_("clusters with bronze label (target)"), default=6)
    silver_target = models.PositiveSmallIntegerField(_("clusters with silver label (target)"), default=1)
    target_date = models.DateField(_("targets due by"))
    description = models.TextField(_("description"), blank=True)

    name = BilingualText(_("name"))

    history = HistoricalRecords()
    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=written_in_either("name"), name="agreements_programme_has_name"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="agreements_programme_period"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if not (self.name_lt or self.name_en):
            errors["name_lt"] = _("Write the name in Lithuanian, in English, or in both.")
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = _("The programme must end after it starts.")
        if errors:
            raise ValidationError(errors)

    def participating_clusters(self):
        """Clusters with a live (not terminated) agreement under this programme."""
        return Cluster.objects.filter(agreements__programme=self, agreements__terminated_on__isnull=True).distinct()

    def kpi_progress(self) -> dict:
        """Label KPI progress against the targets, from ``with_kpi_progress()`` annotations when present."""
        if not hasattr(self, "bronze_count"):
            annotated = type(self).objects.with_kpi_progress().get(pk=self.pk)
            self.bronze_count, self.silver_count = annotated.bronze_count, annotated.silver_count
        return {
            "bronze": self.bronze_count,
            "bronze_target": self.bronze_target,
            "bronze_met": self.bronze_count >= self.bronze_target,
            "silver": self.silver_count,
            "silver_target": self.silver_target,
            "silver_met": self.silver_count >= self.silver_target,
        }

    @property
    def kpi_summary(self) -> str:
        progress = self.kpi_progress()
        return _("bronze %(bronze)s / %(bronze_target)s, silver %(silver)s / %(silver_target)s") % progress


class Party(models.TextChoices):
    AGENCY = "agency", _("Agency")
    PARTNER = "partner", _("Partner")
    CLUSTER = "cluster", _("Cluster")


class AgreementQuerySet(models.QuerySet):
    def live(self):
        """Agreements that have not been terminated."""
        return self.filter(terminated_on__isnull=True)

    def fully_signed(self):
        return self.annotate(
            signed_parties=Count("signatures__party", distinct=True),
        ).filter(signed_parties=len(Party.values))

    def active(self, on: datetime.date | None = None):
        """The one rule for "active": not terminated, signed by all three parties, and the day inside the period."""
        day = on or timezone.localdate()
        return self.live().filter(starts_on__lte=day, ends_on__gte=day).fully_signed()

    def booking_for(self, cluster):
        """The cluster's active agreements, newest first: new bookings draw on the first one's hours."""
        return self.active().filter(cluster=cluster).order_by("-starts_on")


class Agreement(models.Model):
    """A tripartite cooperation agreement: the agency, the partner and one cluster."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("agreement status", "Draft")
        SIGNED = "signed", pgettext_lazy("agreement status", "Signed")
        ACTIVE = "active", pgettext_lazy("agreement status", "Active")
        COMPLETED = "completed", pgettext_lazy("agreement status", "Completed")
        TERMINATED = "terminated", pgettext_lazy("agreement status", "Terminated")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("programme")
    )
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("cluster"))
    number = models.CharField(_("agreement number"), max_length=50, unique=True)
    starts_on = models.DateField(_("period starts"))
    ends_on = models.DateField(_("period ends"))
    document = models.FileField(
        _("signed document (PDF)"),
        upload_to="agreements/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), validate_pdf_document],
        help_text=_("The signed agreement as a PDF, at most 10 MB."),
    )
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("tripartite agreement")
        verbose_name_plural = _("tripartite agreements")
        ordering = ["-starts_on", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="agreements_agreement_period"),
            models.UniqueConstraint(
                fields=["programme", "cluster"],
                condition=Q(terminated_on__isnull=True),
                name="agreements_one_live_agreement_per_cluster",
                violation_error_message=_("This cluster already has a live agreement in this programme."),
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | ~Q(termination_reason=""),
                name="agreements_agreement_termination_reason",
            ),
        ]

    def __str__(self):
        return f"{self.number} – {self.cluster}"

    def get_absolute_url(self):
        return reverse("agreements:agreement-detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = _("The period must end after it starts.")
        if self.terminated_on and not self.termination_reason.strip():
            errors["termination_reason"] = _("Give the reason for terminating the agreement.")
        if errors:
            raise ValidationError(errors)

    def status_on(self, day: datetime.date | None = None) -> "Agreement.Status":
        """Derived status; agrees with ``AgreementQuerySet.active()`` for the day.

        Uses prefetched signatures when they are there, so lists stay at a fixed query count.
        """
        day = day or timezone.localdate()
        if self.terminated_on:
            return self.Status.TERMINATED
        if not self.is_fully_signed:
            return self.Status.DRAFT
        if day < self.starts_on:
            return self.Status.SIGNED
        if day > self.ends_on:
            return self.Status.COMPLETED
        return self.Status.ACTIVE

    @property
    def status(self) -> "Agreement.Status":
        return self.status_on()

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_fully_signed(self) -> bool:
        return {signature.party for signature in self.signatures.all()} >= set(Party.values)

    def missing_parties(self) -> list[str]:
        signed = {signature.party for signature in self.signatures.all()}
        return [label for value, label in Party.choices if value not in signed]


class Signature(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("agreement")
    )
    party = models.CharField(_("party"), max_length=10, choices=Party.choices)
    signer_name = models.CharField(_("signed by"), max_length=200)
    signer_role = models.CharField(_("signer's role"), max_length=200)
    signed_on = models.DateField(_("signed on"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["agreement", "party"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "party"],
                name="agreements_one_signature_per_party",
                violation_error_message=_("This party has already signed the agreement."),
            ),
        ]

    def __str__(self):
        return f"{self.get_party_display()}: {self.signer_name}"
