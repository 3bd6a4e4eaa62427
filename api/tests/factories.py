"""Tokens for tests, and one cluster's data of every kind the API serves."""

from dataclasses import dataclass

import factory

from accounts.tests.factories import UserFactory
from agreements.tests.factories import ActiveAgreementFactory, HourAllocationFactory
from api.models import ApiToken, hash_secret
from api.services import api_token_create
from clusters.tests.factories import BenchmarkingFactory, ClusterFactory, LabelAwardFactory, MembershipFactory
from consultations.tests.factories import ExpertFactory, SessionOutcomeFactory
from events.models import Event
from events.tests.factories import EventFactory, OutcomeFactory, ParticipationFactory, PastEventFactory


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token row whose full text is ``token.text`` (``inolink_<prefix>_secret-<n>``)."""

    class Meta:
        model = ApiToken
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Token {n}")
    user = factory.SubFactory(UserFactory)
    prefix = factory.Sequence(lambda n: f"{n:08x}")
    secret_hash = factory.LazyAttribute(lambda o: hash_secret(f"secret-{o.prefix}"))

    @factory.post_generation
    def text(token, create, extracted, **kwargs):
        token.text = f"inolink_{token.prefix}_secret-{token.prefix}"


def token_for(user=None, name="Test system") -> str:
    """A new usable token's full text for the person (or a system when None), created by the service."""
    return api_token_create(name=name, user=user)[1]


def bearer(text: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


@dataclass
class ClusterData:
    """A cluster with its manager and one object of every kind the API serves."""

    cluster: object
    manager: object
    expert: object  # the user of the expert who held the cluster's session
    membership: object
    agreement: object
    allocation: object
    outcome: object  # of the consultation
    participation: object
    label: object
    benchmarking: object
    draft_event: object

    @property
    def consultation(self):
        return self.outcome.consultation

    def objects(self) -> dict:
        """URL basename -> the object's id."""
        return {
            "cluster": self.cluster.pk,
            "organisation": self.membership.organisation_id,
            "member": self.membership.pk,
            "agreement": self.agreement.pk,
            "allocation": self.allocation.pk,
            "consultation": self.consultation.pk,
            "outcome": self.outcome.pk,
            "event": self.draft_event.pk,
            "participation": self.participation.pk,
            "label": self.label.pk,
            "benchmarking": self.benchmarking.pk,
        }


def cluster_data(programme=None) -> ClusterData:
    manager = UserFactory()
    cluster = ClusterFactory(managers=[manager])
    agreement = ActiveAgreementFactory(cluster=cluster, **({"programme": programme} if programme else {}))
    outcome = SessionOutcomeFactory(consultation__agreement=agreement, consultation__expert=ExpertFactory())
    allocation = HourAllocationFactory(agreement=agreement, service_area=outcome.consultation.service_area)
    participation = ParticipationFactory(cluster=cluster, event=PastEventFactory(), status="approved")
    OutcomeFactory(participation=participation)
    return ClusterData(
        cluster=cluster,
        manager=manager,
        expert=outcome.consultation.expert.user,
        membership=MembershipFactory(cluster=cluster),
        agreement=agreement,
        allocation=allocation,
        outcome=outcome,
        participation=participation,
        label=LabelAwardFactory(cluster=cluster),
        benchmarking=BenchmarkingFactory(cluster=cluster),
        draft_event=EventFactory(status=Event.Status.DRAFT),
    )
