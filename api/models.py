"""API tokens: staff create one per person or per named system; the secret is shown once and stored hashed."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A token reads "inolink_<prefix>_<secret>": the prefix (not secret) finds the row, the secret's SHA-256 proves it.
TOKEN_PREFIX_LABEL = "inolink"
PREFIX_LENGTH = 8
# A last-used time is written at most this often per token, so a busy system does not write on every request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    """The SHA-256 of the secret part, hex: a random 256-bit secret needs no slow password hash."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_prefix() -> str:
    return secrets.token_hex(PREFIX_LENGTH // 2)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now: datetime.datetime | None = None):
        """Tokens not revoked and not expired, whose person (if any) may still sign in."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now), Q(user__isnull=True) | Q(user__is_active=True)
        )


class ApiToken(models.Model):
    """A token for the REST API: a person's (it acts with their permissions) or a named system's (read-only, the
    whole programme as staff read it).

    The secret is shown once, when staff create the token; only its SHA-256 is kept.
    """

    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the system that uses it (“Ministry BI”)."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("person"),
        help_text=_(
            "The token acts as this person and sees what they see. Leave empty for a system: it then reads the whole "
            "programme, as staff do, and changes nothing."
        ),
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, unique=True, editable=False)
    secret_hash = models.CharField(_("secret (SHA-256)"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    expires_at = models.DateTimeField(
        _("expires"), null=True, blank=True, help_text=_("Leave empty for a token that does not expire.")
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
        editable=False,
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="api_apitoken_named"),
            models.CheckConstraint(condition=Q(prefix__regex=r"^[0-9a-f]{8}$"), name="api_apitoken_prefix_hex"),
            models.CheckConstraint(
                condition=Q(secret_hash__regex=r"^[0-9a-f]{64}$"), name="api_apitoken_secret_hash_hex"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({TOKEN_PREFIX_LABEL}_{self.prefix}_…)"

    @property
    def is_system(self) -> bool:
        return self.user_id is None

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None or (self.expires_at is not None and self.expires_at <= now):
            return False
        return self.user is None or self.user.is_active

    def matches(self, secret: str) -> bool:
        return secrets.compare_digest(self.secret_hash, hash_secret(secret))
