"""Permission-matrix entries of outreach (see inolink/tests/matrix.py)."""

import uuid

from inolink.tests.matrix import Case, exempt, register

exempt(
    "outreach:invitation-accept",
    "the invited person has no account yet: the single-use secret in the emailed link is the permission",
)


@register("outreach:message-detail")
def message_detail():
    from accounts.tests.factories import StaffFactory
    from outreach.models import GroupMessage

    staff = StaffFactory()
    message = GroupMessage.objects.create(
        key=uuid.uuid4(),
        audience="managers_to_rate",
        audience_description_lt="x",
        subject_en="Hi",
        body_en="Text",
        sent_by=staff,
    )
    return Case(kwargs={"pk": message.pk}, rightful=[staff])
