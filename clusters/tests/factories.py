import datetime

import factory

from clusters.models import Benchmarking, Cluster, LabelAward, LabelLevel, Membership, Organisation, Region, Sector


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    code = factory.Sequence(lambda n: f"{100000000 + n}")
    kind = Organisation.Kind.COMPANY


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cluster {n}")
    company_code = factory.Sequence(lambda n: f"{300000000 + n}")
    sector = Sector.ICT
    region = Region.VILNIUS

    @factory.post_generation
    def managers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.managers.add(*extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    cluster = factory.SubFactory(ClusterFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class LabelAwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LabelAward

    cluster = factory.SubFactory(ClusterFactory)
    level = LabelLevel.BRONZE
    awarded_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    valid_until = factory.LazyAttribute(lambda o: o.awarded_on + datetime.timedelta(days=730))


class BenchmarkingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Benchmarking

    cluster = factory.SubFactory(ClusterFactory)
    kind = Benchmarking.Kind.FIRST_BRONZE
    month = datetime.date(2026, 2, 1)
    expert = "Benchmarking expert (test)"
