"""The writes of outreach: inviting people, re-sending and revoking invitations, accepting them. One function per
action, atomic; the admin and the pages call these."""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consultations.models import Expert
from inolink.locking import lock

from .message_kinds import invitation_notify, role_added_notify
from .models import OPEN, Invitation, new_nonce, token_for_nonce, token_hash, valid_days


def _existing_user(email: str):
    return get_user_model().objects.alias(email_lower=Lower("email")).filter(email_lower=email.lower()).first()


def invitation_create_refusal(*, email: str, role: str, cluster=None) -> str | None:
    """Why ``email`` cannot be invited to this role now: an open invitation for it waits (re-send that one)."""
    email = (email or "").strip().lower()
    if not email:
        return None
    open_ones = Invitation.objects.filter(OPEN, role=role, email__iexact=email)
    if role == Invitation.Role.MANAGER:
        open_ones = open_ones.filter(cluster=cluster)
    if open_ones.exists():
        return _("This person already has an open invitation for this role: send that one again instead.")
    return None


def _grant(user, invitation: Invitation) -> None:
    """Give the invited role: the cluster's management, or an expert profile with the service areas."""
    if invitation.role == Invitation.Role.MANAGER:
        invitation.cluster.managers.add(user)
    else:
        expert, _created = Expert.objects.get_or_create(user=user)
        expert.service_areas.add(*invitation.service_areas.all())


def _new_link(invitation: Invitation, now: datetime.datetime) -> None:
    invitation.nonce = new_nonce()
    invitation.token_hash = token_hash(token_for_nonce(invitation.nonce))
    invitation.sent_at = now
    invitation.expires_at = now + datetime.timedelta(days=valid_days())


def invitation_create(
    *,
    email: str,
    role: str,
    by,
    cluster=None,
    service_areas: Iterable = (),
    language: str = "lt",
    first_name: str = "",
    last_name: str = "",
) -> Invitation:
    """Invite ``email`` as a cluster manager (for ``cluster``) or an expert (in ``service_areas``).

    A new person gets an email with a single-use link; a person who already has an account gets the role at
    once and an email saying so (the invitation is recorded as accepted by that account).
    """
    email = (email or "").strip().lower()
    service_areas = list(service_areas)
    errors = {}
    if not email:
        errors["email"] = _("Give the person's email address.")
    if role == Invitation.Role.MANAGER and cluster is None:
        errors["cluster"] = _("Choose the cluster the person will manage.")
    if role == Invitation.Role.EXPERT and not service_areas:
        errors["service_areas"] = _("Choose at least one service area.")
    if role not in Invitation.Role.values:
        errors["role"] = _("Choose a role.")
    if errors:
        raise ValidationError(errors)
    if role == Invitation.Role.EXPERT:
        cluster = None
    refusal = invitation_create_refusal(email=email, role=role, cluster=cluster)
    if refusal:
        raise ValidationError({"email": refusal})
    now = timezone.now()
    invitation = Invitation(
        email=email,
        role=role,
        cluster=cluster,
        language=language,
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        invited_by=by,
    )
    _new_link(invitation, now)
    try:
        with transaction.atomic():
            user = _existing_user(email)
            if user is not None:
                invitation.accepted_at, invitation.accepted_by = now, user
            invitation.save()
            invitation.service_areas.set(service_areas)
            if user is not None:
                _grant(user, invitation)
                role_added_notify(invitation)
            else:
                invitation_notify(invitation)
    except IntegrityError:
        # Two staff invited the same person at once: the open-invitation constraint let one through.
        raise ValidationError({"email": _("This person already has an open invitation for this role.")}) from None
    return invitation


def invitation_resend(*, invitation: Invitation, by) -> Invitation:
    """Send a new link (valid ``INVITATION_VALID_DAYS`` from now); the earlier link stops working."""
    with transaction.atomic():
        (invitation,) = lock(invitation)
        refusal = invitation.resend_refusal()
        if refusal:
            raise ValidationError(refusal)
        _new_link(invitation, timezone.now())
        invitation.save(update_fields=["nonce", "token_hash", "sent_at", "expires_at"])
        invitation_notify(invitation)
    return invitation


def invitation_revoke(*, invitation: Invitation, by) -> Invitation:
    """Withdraw an open (or expired) invitation: its link answers that it was withdrawn."""
    with transaction.atomic():
        (invitation,) = lock(invitation)
        refusal = invitation.revoke_refusal()
        if refusal:
            raise ValidationError(refusal)
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token opens, whatever its state, or None."""
    if not token or len(token) > 128:
        return None
    return Invitation.objects.select_related("cluster").filter(token_hash=token_hash(token)).first()


def invitation_accept(*, invitation: Invitation, password: str, first_name: str = "", last_name: str = ""):
    """The invited person sets a password: their account is created in the invitation's language, with its role.

    Single-use: the invitation is locked and re-checked (``Invitation.accept_refusal``), so a link used twice at
    once creates one account.
    """
    with transaction.atomic():
        (invitation,) = lock(invitation)
        refusal = invitation.accept_refusal()
        if refusal:
            raise ValidationError(refusal)
        if _existing_user(invitation.email) is not None:
            raise ValidationError(
                _("An account with this email address already exists. Sign in, or ask the programme staff.")
            )
        User = get_user_model()
        user = User(
            email=invitation.email,
            first_name=(first_name or invitation.first_name).strip(),
            last_name=(last_name or invitation.last_name).strip(),
            language=invitation.language,
        )
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password1": error.messages}) from None
        user.set_password(password)
        user.save()
        _grant(user, invitation)
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


# Messages to chosen groups (issue 15) ---------------------------------------------------------------------------


def group_message_send(*, key, audience_key: str, criteria: dict, texts: dict, by):
    """Send a message to everyone the audience gives for the criteria, through the outbox, once per person.

    ``texts``: subject_lt, body_lt, subject_en, body_en; each language complete or empty, at least one written.
    ``key`` is the compose form's: submitting the same form twice sends once.
    """
    from .audiences import audience_for
    from .message_kinds import group_message_notify
    from .models import GroupMessage

    audience = audience_for(audience_key)
    if audience is None:
        raise ValidationError({"audience": _("Choose an audience from the list.")})
    texts = {name: (texts.get(name) or "").strip() for name in ("subject_lt", "body_lt", "subject_en", "body_en")}
    errors = {}
    for language in ("lt", "en"):
        subject, body = texts[f"subject_{language}"], texts[f"body_{language}"]
        if bool(subject) != bool(body):
            errors[f"body_{language}" if subject else f"subject_{language}"] = _(
                "Write both the subject and the text in this language, or neither."
            )
    if not (texts["body_lt"] or texts["body_en"]):
        errors["body_lt"] = _("Write the message in Lithuanian, in English, or in both.")
    if errors:
        raise ValidationError(errors)
    if GroupMessage.objects.filter(key=key).exists():
        raise ValidationError(_("This message has already been sent."))
    recipients = list(audience.users(criteria))
    if not recipients:
        raise ValidationError({"audience": _("Nobody matches these criteria: the message was not sent.")})
    stored = {name: (value.pk if hasattr(value, "pk") else value) for name, value in criteria.items() if value}
    descriptions = {}
    for language in ("lt", "en"):
        with translation.override(language):
            descriptions[f"audience_description_{language}"] = audience.describe(criteria)[:300]
    try:
        with transaction.atomic():
            message = GroupMessage.objects.create(
                key=key,
                audience=audience.key,
                **descriptions,
                criteria=stored,
                sent_by=by,
                recipient_count=len(recipients),
                **texts,
            )
            group_message_notify(message, recipients)
    except IntegrityError:
        raise ValidationError(_("This message has already been sent.")) from None
    return message
