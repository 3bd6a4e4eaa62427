import factory

from accounts.tests.factories import UserFactory
from consultations.models import Expert, ServiceArea


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"Area {n}")


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = "Consultancy"
    languages = "Lithuanian, English"

    @factory.post_generation
    def service_areas(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.service_areas.set(extracted)
