"""Hypothesis posts arbitrary values to the event application and outcome forms as the cluster's manager.

Never a server error; when the form is refused, nothing in the database changes. Each example runs in its own
transaction (hypothesis.extra.django.TestCase).
"""

from django.urls import reverse
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis.extra.django import TestCase

from accounts.tests.factories import UserFactory
from clusters.tests.factories import ClusterFactory
from events.models import Decision, Delegate, Outcome, Participation, PartnershipLead
from inolink.tests.fuzz import form_errors, posts, snapshot, values

from .factories import EventFactory, ParticipationFactory, PastEventFactory

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MODELS = [
    Participation,
    Participation.history.model,
    Delegate,
    Decision,
    Outcome,
    Outcome.history.model,
    PartnershipLead,
]


def management(prefix, total, maximum):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": str(maximum),
    }


class FuzzEventForms(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.manager = UserFactory()
        cls.cluster = ClusterFactory(managers=[cls.manager])
        cls.event = EventFactory(delegates_per_cluster=2)
        cls.attended = ParticipationFactory(
            event=PastEventFactory(), cluster=cls.cluster, status=Participation.Status.APPROVED
        )

    def post(self, url, data, objects):
        self.client.force_login(self.manager)
        before = snapshot(MODELS, objects)
        response = self.client.post(url, data)
        assert response.status_code in (200, 302), response.status_code
        event(f"status {response.status_code}")
        if response.status_code == 200:
            assert snapshot(MODELS, objects) == before
            assert form_errors(response), "a refused form says why"
        return response

    @FUZZ
    @example({})  # Found by Hypothesis: an empty POST re-showed the form without saying what is missing.
    @given(
        posts(
            {
                **management("delegates", 2, 2),
                "delegates-0-full_name": "Rasa Petraitė",
                "delegates-0-role": "Manager",
                "delegates-1-full_name": "",
                "delegates-1-role": "",
                "motivation": "Meet partners.",
                "support_needed": "on",
                "support_details": "Travel costs",
            },
            {
                "delegates-TOTAL_FORMS": values(0, 1, 2, 3, 1000, -1),
                "delegates-INITIAL_FORMS": values(0, 1, 5),
                "delegates-0-full_name": values("Rasa Petraitė"),
                "delegates-0-role": values("Manager"),
                "delegates-2-full_name": values("Third person"),
                "delegates-2-role": values("Guest"),
                "motivation": values("Meet partners."),
                "support_needed": values("on", "off", "true"),
                "support_details": values("Travel costs"),
            },
        )
    )
    def test_application(self, data):
        url = reverse("events:participation-apply", args=[self.event.pk])
        response = self.post(url, data, [self.event])
        if response.status_code == 302:
            application = Participation.objects.get(event=self.event, cluster=self.cluster)
            assert response.url == application.get_absolute_url()
            assert 1 <= application.delegates.count() <= self.event.delegates_per_cluster

    @FUZZ
    @example({})  # Found by Hypothesis: an empty POST re-showed the form without saying what is missing.
    @given(
        posts(
            {
                **management("leads", 3, 10),
                "attended": "yes",
                "contacts_made": "12",
                "notes": "Two distributors asked for samples.",
                "leads-0-organisation": "Photonics Finland Oy",
                "leads-0-country": "FI",
                "leads-0-topic": "Joint proposal",
                "leads-0-next_step": "Call",
            },
            {
                "leads-TOTAL_FORMS": values(0, 1, 3, 11, 100000, -5),
                "attended": values("yes", "no", "maybe"),
                "contacts_made": values(0, 12, 10001, -1, 2.5),
                "notes": values("Samples."),
                "leads-0-organisation": values("Photonics Finland Oy"),
                "leads-0-country": values("FI", "XX", "EU"),
                "leads-0-topic": values("Joint proposal"),
                "leads-10-organisation": values("Eleventh"),
            },
        )
    )
    def test_outcome_report(self, data):
        url = reverse("events:outcome-report", args=[self.attended.pk])
        response = self.post(url, data, [self.attended])
        if response.status_code == 302:
            outcome = Outcome.objects.get(participation=self.attended)
            assert 0 <= outcome.contacts_made <= 10000
