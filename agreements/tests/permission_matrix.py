"""Permission-matrix entries of agreements (see inolink/tests/matrix.py)."""

from django.core.files.base import ContentFile

from accounts.tests.factories import StaffFactory, UserFactory
from agreements.tests.factories import ActiveAgreementFactory
from clusters.tests.factories import ClusterFactory
from inolink.tests.matrix import Case, register


def agreement_with_manager():
    manager = UserFactory()
    agreement = ActiveAgreementFactory(cluster=ClusterFactory(managers=[manager]))
    return agreement, manager


@register("agreements:agreement-detail")
def agreement_detail():
    agreement, manager = agreement_with_manager()
    return Case(kwargs={"pk": agreement.pk}, rightful=[manager, StaffFactory()])


@register("agreements:agreement-document")
def agreement_document():
    agreement, manager = agreement_with_manager()
    agreement.document.save("signed.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return Case(kwargs={"pk": agreement.pk}, rightful=[manager, StaffFactory()])
