"""An export of an admin list too long to build while the browser waits: built by a worker, downloaded by the
staff member who asked for it."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How long a built file stays for its download.
KEPT_FOR = datetime.timedelta(days=7)


class ExportFileQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(requested_by=user)

    def expired(self, now=None):
        return self.filter(requested_at__lt=(now or timezone.now()) - KEPT_FOR)


class ExportFile(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_files", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    list_model = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("list"))
    # The list's filters and search as its address carried them, and the export form as posted (format, columns):
    # the worker asks the list's admin for the same rows the person saw.
    query = models.TextField(_("filters"), blank=True)
    form_data = models.JSONField(default=dict)
    language = models.CharField(max_length=10)
    rows = models.PositiveIntegerField(_("rows"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ExportFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("export file")
        verbose_name_plural = _("my exports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="export_ready_has_its_file",
                condition=~Q(status="ready") | Q(content__isnull=False, finished_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.file_name or f"{self.list_model.name} ({self.rows})"

    def get_download_url(self):
        return reverse("admin:exports_exportfile_download", args=[self.pk])
