import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from agreements.models import Agreement, Party, Programme, Signature
from clusters.tests.factories import ClusterFactory, OrganisationFactory
from consultations.models import HourAllocation, ServiceArea


def today():
    return timezone.localdate()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    class Params:
        name = factory.Sequence(lambda n: f"Programme {n}")  # in English, unless a test gives both fields

    name_en = factory.SelfAttribute("name")
    code = factory.Sequence(lambda n: f"programme-{n}")
    agency = factory.SubFactory(OrganisationFactory, kind="public")
    partner = factory.SubFactory(OrganisationFactory, kind="public")
    starts_on = factory.LazyFunction(lambda: today() - datetime.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=3 * 365))
    target_date = factory.LazyAttribute(lambda o: o.ends_on)
    bronze_target = 6
    silver_target = 1


class AgreementFactory(factory.django.DjangoModelFactory):
    """A draft agreement; ``ActiveAgreementFactory`` adds the three signatures."""

    class Meta:
        model = Agreement

    programme = factory.SubFactory(ProgrammeFactory)
    cluster = factory.SubFactory(ClusterFactory)
    number = factory.Sequence(lambda n: f"AGR-{n:04d}")
    starts_on = factory.LazyFunction(lambda: today() - datetime.timedelta(days=10))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=365))


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    agreement = factory.SubFactory(AgreementFactory)
    party = Party.AGENCY
    signer_name = factory.Faker("name")
    signer_role = "Director"
    signed_on = factory.LazyFunction(today)


class ActiveAgreementFactory(AgreementFactory):
    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def signatures(obj, create, extracted, **kwargs):
        if create:
            for party in Party.values:
                SignatureFactory(agreement=obj, party=party, signed_on=obj.starts_on)


class HourAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HourAllocation

    agreement = factory.SubFactory(ActiveAgreementFactory)
    service_area = factory.LazyFunction(lambda: ServiceArea.objects.get(code="legal"))
    hours_granted = Decimal("20")
