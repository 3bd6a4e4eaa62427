import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from agreements.tests.factories import ActiveAgreementFactory
from consultations import services
from consultations.models import Consultation, Expert, Rating, ServiceArea, SessionOutcome, WeeklyAvailability
from consultations.services import outcome_hours_changed


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
    languages = factory.LazyFunction(lambda: ["lt", "en"])

    @factory.post_generation
    def service_areas(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.service_areas.set(extracted)


def local_at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A Vilnius wall-clock time ``days`` days from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class WeeklyAvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklyAvailability

    expert = factory.SubFactory(ExpertFactory)
    weekday = 0
    start_time = datetime.time(8)
    end_time = datetime.time(20)


def available_all_week(expert, start=datetime.time(8), end=datetime.time(20)):
    WeeklyAvailability.objects.bulk_create(
        WeeklyAvailability(expert=expert, weekday=weekday, start_time=start, end_time=end) for weekday in range(7)
    )
    return expert


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A booking written straight to the database (tests of reads); services are tested on their own."""

    class Meta:
        model = Consultation

    agreement = factory.SubFactory(ActiveAgreementFactory)
    cluster = factory.LazyAttribute(lambda o: o.agreement.cluster)
    service_area = factory.LazyFunction(lambda: ServiceArea.objects.get(code="legal"))
    expert = factory.SubFactory(ExpertFactory)
    booked_by = factory.SubFactory(UserFactory)
    starts_at = factory.LazyFunction(lambda: local_at(3, 10))
    hours = Decimal("1")
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=float(o.hours)))
    format = Consultation.Format.ONLINE
    meeting_url = "https://meet.example.com/abc"
    topic = factory.Sequence(lambda n: f"Topic {n}")
    status = Consultation.Status.REQUESTED


class SessionOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionOutcome
        skip_postgeneration_save = True

    consultation = factory.SubFactory(
        ConsultationFactory, status=Consultation.Status.HELD, starts_at=factory.LazyFunction(lambda: local_at(-3, 10))
    )
    result = SessionOutcome.Result.HELD
    summary = "Discussed the strategy."
    hours_delivered = Decimal("1")

    @factory.post_generation
    def count_hours(outcome, create, extracted, **kwargs):
        """The row is written directly, as an import would write it: count it into its allocation, as
        ``manage.py recount_hours`` does after one."""
        if create:
            outcome_hours_changed(outcome.consultation_id)


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    consultation = factory.SubFactory(
        ConsultationFactory, status=Consultation.Status.HELD, starts_at=factory.LazyFunction(lambda: local_at(-3, 10))
    )
    score = 4
    rated_by = factory.SubFactory(UserFactory)


def held_session(world, hours="2.5", booked="2", note=None):
    """A session of ``booked`` hours that started 3 hours ago, with its outcome of ``hours`` logged by its expert
    (or by programme staff, when they write a ``note``), through the service as the page does: the expert's page
    passes no note."""
    start = timezone.now() - datetime.timedelta(hours=3)
    consultation = Consultation.objects.create(
        **{k: v for k, v in world.book_kwargs(hours=Decimal(booked)).items() if k != "starts_at"},
        agreement=world.agreement,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=float(booked)),
        status=Consultation.Status.CONFIRMED,
    )
    by = StaffFactory() if note else world.expert.user
    return services.outcome_save(
        consultation=consultation,
        by=by,
        result="held",
        summary="Done",
        hours_delivered=Decimal(hours),
        **({} if note is None else {"note": note}),
    )
