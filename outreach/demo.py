"""Demo: an open invitation for a second programme cluster's manager, whose link ``load_demo`` prints."""

from .models import Invitation
from .services import invitation_create, invitation_resend

DEMO_INVITEE = "new.manager@example.com"


def load(*, registry, staff) -> Invitation:
    """The demo invitation, created once; an expired one gets a fresh link, so the printed link always works."""
    invitation = Invitation.objects.filter(
        email=DEMO_INVITEE, accepted_at__isnull=True, revoked_at__isnull=True
    ).first()
    if invitation is None:
        if Invitation.objects.filter(email=DEMO_INVITEE).exists():
            return Invitation.objects.filter(email=DEMO_INVITEE).first()  # used or revoked while trying the demo
        return invitation_create(
            email=DEMO_INVITEE,
            role=Invitation.Role.MANAGER,
            cluster=registry["programme_clusters"][1],
            language="lt",
            first_name="Aistė",
            last_name="Kazlauskienė",
            by=staff,
        )
    if invitation.is_expired():
        invitation = invitation_resend(invitation=invitation, by=staff)
    return invitation
