"""Outreach emails: the invitation with its single-use link, and the note that an account was given a role."""

from django.utils.translation import gettext_lazy as _

from inolink.ical import absolute_url
from notifications.registry import MessageKind, register
from notifications.services import Address, message_enqueue

from .models import Invitation


def _occasion(invitation: Invitation) -> str:
    return f"sent-{invitation.nonce}"


def _subject(obj, ctx):
    if obj.role == Invitation.Role.MANAGER:
        return _("Invitation to InoLink: manager of %(cluster)s") % {"cluster": obj.cluster}
    return _("Invitation to InoLink: programme expert")


def _context(obj, message):
    return {
        "accept_url": absolute_url(obj.get_accept_url()),
        "areas": ", ".join(str(area) for area in obj.service_areas.all()),
    }


register(
    MessageKind(
        key="invitation",
        model="outreach.Invitation",
        verbose_name=_("Invitation"),
        subject=_subject,
        template="outreach/emails/invitation",
        context=_context,
        # Only the latest link, while it can be used: a re-send or a revocation makes a waiting email moot.
        still_relevant=lambda obj, message: message.occasion == _occasion(obj) and obj.accept_refusal() is None,
        select_related=("cluster", "invited_by"),
    )
)


def invitation_notify(invitation: Invitation) -> list[int]:
    """Record the email with the link; call inside the service's transaction. The person has no account yet."""
    address = Address(invitation.email, invitation.language, invitation.first_name)
    return message_enqueue(
        kind="invitation",
        obj=invitation,
        occasion=_occasion(invitation),
        recipients=[address],
        context={"first_name": invitation.first_name},
    )


register(
    MessageKind(
        key="invitation_role_added",
        model="outreach.Invitation",
        verbose_name=_("Role added to an account"),
        subject=lambda obj, ctx: (
            _("InoLink: you now manage %(cluster)s") % {"cluster": obj.cluster}
            if obj.role == Invitation.Role.MANAGER
            else _("InoLink: you are now a programme expert")
        ),
        template="outreach/emails/invitation_role_added",
        context=lambda obj, message: {
            "areas": ", ".join(str(area) for area in obj.service_areas.all()),
            "sign_in_url": absolute_url("/"),
        },
        select_related=("cluster", "invited_by"),
    )
)


def role_added_notify(invitation: Invitation) -> list[int]:
    return message_enqueue(
        kind="invitation_role_added", obj=invitation, occasion="role-added", recipients=[invitation.accepted_by]
    )


# A message to a chosen group: each recipient in their language (the other when only one is written) --------


def _group_subject(obj, ctx):
    from django.utils.translation import get_language

    return obj.text_for(get_language())[0]


register(
    MessageKind(
        key="group_message",
        model="outreach.GroupMessage",
        verbose_name=_("Message to a group"),
        subject=_group_subject,
        template="outreach/emails/group_message",
        context=lambda obj, message: {"text": obj.text_for(message.language)[1]},
    )
)


def group_message_notify(group_message, recipients) -> list[int]:
    """One outbox record per recipient (a person without an email address gets a skipped one, listed as
    unreachable); inside the sending transaction."""
    return message_enqueue(kind="group_message", obj=group_message, occasion="sent", recipients=recipients)
