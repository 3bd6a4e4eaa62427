import io

import pytest
from django.core.management import call_command

from outreach.models import Invitation

pytestmark = pytest.mark.django_db


def test_demo_has_one_open_invitation_whose_printed_link_works(client):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=io.StringIO())
    invitation = Invitation.objects.get()
    assert invitation.accept_refusal() is None and invitation.cluster.name != '"iVITA" Wellness Cluster'
    [line] = [line for line in out.getvalue().splitlines() if "Invitation for" in line]
    link = line.rsplit(" ", 1)[-1]
    assert client.get(link[link.index("/outreach/") :]).status_code == 200
