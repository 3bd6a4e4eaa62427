import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from inolink.bilingual import pick
from inolink.text_limits import max_length_check

OPEN = Q(accepted_at__isnull=True, revoked_at__isnull=True)


def new_nonce() -> str:
    return secrets.token_hex(16)


def token_for_nonce(nonce: str) -> str:
    """The secret of an invitation link: an HMAC of the invitation's nonce under SECRET_KEY.

    The database keeps the nonce and the token's SHA-256 only, so a copy of the database alone opens no link;
    each (re-)send draws a new nonce, which kills the earlier link.
    """
    digest = hmac.new(settings.SECRET_KEY.encode(), f"inolink-invitation:{nonce}".encode(), hashlib.sha256)
    return digest.hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def valid_days() -> int:
    return getattr(settings, "INVITATION_VALID_DAYS", 7)


class Invitation(models.Model):
    """Staff invite a person by email to manage a named cluster or to consult as an expert in service areas.

    The link is single-use and expires after ``INVITATION_VALID_DAYS``; staff re-send (a new link, the old one
    dies) or revoke it. An invitation to an address that already has an account adds the role at once.
    """

    class Role(models.TextChoices):
        MANAGER = "manager", _("Cluster manager")
        EXPERT = "expert", _("Expert")

    email = models.EmailField(_("email"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    cluster = models.ForeignKey(
        "clusters.Cluster",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("cluster"),
        help_text=_("For a cluster manager: the cluster they will manage."),
    )
    service_areas = models.ManyToManyField(
        "consultations.ServiceArea",
        blank=True,
        related_name="invitations",
        verbose_name=_("service areas"),
        help_text=_("For an expert: the areas they consult in."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The email and the person's pages are in this language."),
    )
    nonce = models.CharField(_("nonce"), max_length=32, default=new_nonce, editable=False)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("last sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="manager", cluster__isnull=False) | Q(role="expert", cluster__isnull=True),
                name="outreach_invitation_role_target",
                violation_error_message=_("A cluster manager is invited for a cluster; an expert for no cluster."),
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="outreach_invitation_accepted_or_revoked",
            ),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("sent_at")), name="outreach_invitation_expiry"),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(accepted_by__isnull=False),
                name="outreach_invitation_accepted_by",
            ),
            models.UniqueConstraint(
                Lower("email"),
                "cluster",
                condition=OPEN & Q(role="manager"),
                name="outreach_one_open_manager_invitation",
                violation_error_message=_("This person already has an open invitation for this cluster."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=OPEN & Q(role="expert"),
                name="outreach_one_open_expert_invitation",
                violation_error_message=_("This person already has an open invitation as an expert."),
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def token(self) -> str:
        return token_for_nonce(self.nonce)

    def get_accept_url(self) -> str:
        return reverse("outreach:invitation-accept", args=[self.token])

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    def state(self, now=None) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.is_expired(now):
            return self.State.EXPIRED
        return self.State.OPEN

    def accept_refusal(self, now=None) -> str | None:
        """Why the link cannot be used now, in words for the person who opened it, or None."""
        state = self.state(now)
        if state == self.State.ACCEPTED:
            return gettext("This invitation has already been used. Sign in with your email address and password.")
        if state == self.State.REVOKED:
            return gettext("This invitation was withdrawn. Ask the programme staff for a new one if you need it.")
        if state == self.State.EXPIRED:
            return ngettext(
                "This link expired: links work for %(days)s day. Ask the programme staff to send it again.",
                "This link expired: links work for %(days)s days. Ask the programme staff to send it again.",
                valid_days(),
            ) % {"days": valid_days()}
        return None

    def resend_refusal(self) -> str | None:
        """Staff re-send an invitation that is neither accepted nor revoked (an expired one too)."""
        if self.accepted_at:
            return gettext("This invitation has been accepted.")
        if self.revoked_at:
            return gettext("This invitation was revoked: invite the person again.")
        return None

    def revoke_refusal(self) -> str | None:
        if self.accepted_at:
            return gettext("This invitation has been accepted: remove the role instead.")
        if self.revoked_at:
            return gettext("This invitation is already revoked.")
        return None


SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 5000


def _complete_or_empty(language: str) -> Q:
    return Q(**{f"subject_{language}": "", f"body_{language}": ""}) | Q(
        **{f"subject_{language}__gt": "", f"body_{language}__gt": ""}
    )


class GroupMessage(models.Model):
    """A message staff sent to an audience chosen by criteria (``outreach.audiences``), in Lithuanian and English.

    Each recipient's email is an outbox record (kind ``group_message``) about this message: sent once per person,
    its state (sent, failed, or skipped for a person without an email address) readable per recipient.
    """

    key = models.UUIDField(
        _("form key"), unique=True, editable=False, help_text=_("The compose form's key: a double submit sends once.")
    )
    audience = models.CharField(_("audience"), max_length=40)
    # In both languages, written when sending: a reader sees their own, as the audience stood then.
    audience_description_lt = models.CharField(_("audience, in Lithuanian words"), max_length=300)
    audience_description_en = models.CharField(_("audience, in English words"), max_length=300, blank=True)
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    subject_lt = models.CharField(_("subject (Lithuanian)"), max_length=SUBJECT_MAX_LENGTH, blank=True)
    body_lt = models.TextField(_("text (Lithuanian)"), max_length=BODY_MAX_LENGTH, blank=True)
    subject_en = models.CharField(_("subject (English)"), max_length=SUBJECT_MAX_LENGTH, blank=True)
    body_en = models.TextField(_("text (English)"), max_length=BODY_MAX_LENGTH, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    # The outbox records about this message: one per recipient, with its state.
    deliveries = GenericRelation("notifications.OutgoingMessage")

    class Meta:
        verbose_name = _("group message")
        verbose_name_plural = _("group messages")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=_complete_or_empty("lt"), name="outreach_message_lt_complete"),
            models.CheckConstraint(condition=_complete_or_empty("en"), name="outreach_message_en_complete"),
            models.CheckConstraint(condition=Q(body_lt__gt="") | Q(body_en__gt=""), name="outreach_message_has_text"),
            max_length_check(field="body_lt", limit=BODY_MAX_LENGTH, name="outreach_message_body_lt_max_length"),
            max_length_check(field="body_en", limit=BODY_MAX_LENGTH, name="outreach_message_body_en_max_length"),
        ]

    def __str__(self):
        return self.subject_lt or self.subject_en

    def get_absolute_url(self):
        return reverse("outreach:message-detail", args=[self.pk])

    @property
    def subject(self) -> str:
        """The subject in the reader's language (the page's), or in the other one when only that one is written."""
        return self.text_for(translation.get_language())[0]

    @property
    def audience_description(self) -> str:
        """Who received it, in the reader's language (the page's), or in the other one for an older message."""
        return pick(lt=self.audience_description_lt, en=self.audience_description_en)

    def text_for(self, language: str) -> tuple[str, str]:
        """(subject, text) in ``language``, or in the other language when only that one is written."""
        if language == "en" and self.body_en or not self.body_lt:
            return self.subject_en, self.body_en
        return self.subject_lt, self.body_lt
