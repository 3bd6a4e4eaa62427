"""The API's writes: tokens (created and revoked by staff) and the registry updates systems send."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .models import LAST_USED_PRECISION, TOKEN_PREFIX_LABEL, ApiToken, hash_secret, new_prefix, new_secret


def api_token_create(
    *, name: str, user=None, expires_at: datetime.datetime | None = None, created_by=None
) -> tuple[ApiToken, str]:
    """Create a token and return it with its full text, which nobody can read again: only its hash is kept."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": gettext("A token must expire in the future.")})
    secret = new_secret()
    token = ApiToken(name=name.strip(), user=user, expires_at=expires_at, created_by=created_by)
    token.prefix, token.secret_hash = new_prefix(), hash_secret(secret)
    token.full_clean()
    token.save()
    return token, f"{TOKEN_PREFIX_LABEL}_{token.prefix}_{secret}"


def api_token_revoke(*, token: ApiToken, by=None) -> ApiToken:
    """Revoke the token from now on; revoking it again keeps the first time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=by)
    token.refresh_from_db(fields=["revoked_at", "revoked_by"])
    return token


def api_token_find(text: str) -> ApiToken | None:
    """The usable token whose full text this is, or None (unknown, malformed, revoked, expired, owner inactive)."""
    label, _sep, rest = text.partition("_")
    prefix, _sep, secret = rest.partition("_")
    if label != TOKEN_PREFIX_LABEL or not secret or len(prefix) != len(new_prefix()) or "\x00" in text:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not token.matches(secret) or not token.is_usable():
        return None
    return token


def api_token_touch(token: ApiToken, now: datetime.datetime | None = None) -> None:
    """Record that the token was used, at most once a minute (one UPDATE then, none otherwise)."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@transaction.atomic
def registry_save(instance):
    """Save a registry row (a cluster, an organisation, a membership) as the admin's form does: every model rule and
    database constraint checked first (``full_clean``), so a system gets the message, not a database error; the
    change is kept in the row's history with the token's person."""
    instance.full_clean()
    instance.save()
    return instance
