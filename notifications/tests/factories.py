import factory
from django.contrib.contenttypes.models import ContentType

from accounts.tests.factories import UserFactory
from agreements.tests.factories import ActiveAgreementFactory
from notifications.models import OutgoingMessage


class OutgoingMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutgoingMessage

    kind = "agreement_ending"
    about = factory.SubFactory(ActiveAgreementFactory)
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.about))
    object_id = factory.LazyAttribute(lambda o: o.about.pk)
    recipient = factory.SubFactory(UserFactory)
    recipient_email = factory.LazyAttribute(lambda o: o.recipient.email)
    language = "en"
    occasion = factory.Sequence(lambda n: f"occasion-{n}")
