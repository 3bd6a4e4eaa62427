from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutgoingMessage(models.Model):
    """One email to one person about one object on one occasion.

    The unique key (kind, object, recipient, occasion) makes creating a message
    idempotent; the status makes sending it exactly-once (see ``services``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("about (type)"))
    object_id = models.PositiveBigIntegerField(_("about (id)"))
    about = GenericForeignKey("content_type", "object_id")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outgoing_messages",
        verbose_name=_("recipient"),
    )
    recipient_email = models.EmailField(_("recipient email"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    occasion = models.CharField(
        _("occasion"),
        max_length=100,
        help_text=_("What this message is for, e.g. the reminder's date; one message per occasion."),
    )
    context = models.JSONField(_("extra context"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "recipient", "occasion"],
                name="notifications_one_message_per_occasion",
            ),
            # The record of an occasion nobody could be told of (no recipient, no address): one, like the others
            # (a NULL recipient is distinct from every other NULL in the constraint above). A deleted recipient's
            # messages keep their address, so they never meet this condition.
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "occasion"],
                condition=Q(recipient__isnull=True, recipient_email=""),
                name="notifications_one_unaddressed_per_occasion",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="notifications_sent_has_sent_at"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_due_idx"),
            models.Index(fields=["content_type", "object_id"], name="notif_about_idx"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient_email or self.recipient_id} ({self.occasion})"
