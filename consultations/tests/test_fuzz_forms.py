"""Hypothesis posts arbitrary values to the consultation forms as their rightful user.

Never a server error; when the form is refused, nothing in the database changes. Each example runs in its own
transaction (hypothesis.extra.django.TestCase), so a booking made by one example does not leak into the next.
"""

from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis.extra.django import TestCase

from consultations.models import Consultation, Rating, SessionOutcome
from inolink.tests.fuzz import form_errors, posts, snapshot, values

from .conftest import make_world
from .factories import ConsultationFactory, ExpertFactory, SessionOutcomeFactory, local_at

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MODELS = [Consultation, Consultation.history.model, SessionOutcome, Rating]


def slot(days, hour):
    return timezone.localtime(local_at(days, hour)).strftime("%Y-%m-%dT%H:%M")


class FuzzConsultationForms(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()
        common = {"agreement": cls.world.agreement, "service_area": cls.world.area, "expert": cls.world.expert}
        cls.upcoming = ConsultationFactory(
            **common, booked_by=cls.world.manager, status=Consultation.Status.CONFIRMED, starts_at=local_at(5, 10)
        )
        cls.past = ConsultationFactory(
            **common, booked_by=cls.world.manager, status=Consultation.Status.CONFIRMED, starts_at=local_at(-1, 10)
        )
        cls.held = SessionOutcomeFactory(
            consultation=ConsultationFactory(**common, status=Consultation.Status.HELD, starts_at=local_at(-3, 10))
        ).consultation
        cls.other_expert = ExpertFactory()

    def post(self, user, url, data, objects):
        self.client.force_login(user)
        before = snapshot(MODELS, objects)
        response = self.client.post(url, data)
        assert response.status_code in (200, 302, 404), response.status_code
        event(f"status {response.status_code}")
        if response.status_code != 302:
            assert snapshot(MODELS, objects) == before
            if response.status_code == 200:
                assert form_errors(response), "a refused form says why"
        return response

    @FUZZ
    @example({})  # Found by Hypothesis: an empty POST re-showed the form without saying what is missing.
    @given(
        posts(
            {
                "area": "legal",
                "expert": "1",
                "starts_at": slot(3, 10),
                "hours": "1.5",
                "format": "online",
                "meeting_url": "https://meet.example.com/x",
                "city": "",
                "address": "",
                "topic": "Contracts",
                "agenda": "Goals",
            },
            {
                "area": values("legal", "financial"),
                "expert": values(1, 2, 3),
                "starts_at": values(slot(3, 10), slot(4, 9), slot(0, 10), slot(200, 10)),
                "hours": values("1", "1.5", "4", "4.5"),
                "format": values("onsite", "online"),
                "city": values("Kaunas", "Vilnius", "Riga"),
                "address": values("Laisvės al. 1"),
                "meeting_url": values("https://meet.example.com/x", "javascript:alert(1)"),
                "topic": values("Contracts"),
                "agenda": values("Goals"),
            },
        )
    )
    def test_booking(self, data):
        if data.get("expert") in {"1", "2", "3"}:
            data["expert"] = str(self.world.expert.pk if data["expert"] == "1" else self.other_expert.pk)
        response = self.post(self.world.manager, reverse("consultations:book-new"), data, [])
        if response.status_code == 302:
            booked = Consultation.objects.get(booked_by=self.world.manager, status=Consultation.Status.REQUESTED)
            assert response.url == booked.get_absolute_url()

    @FUZZ
    @example({})  # Found by Hypothesis: an empty POST re-showed the form without saying what is missing.
    @given(
        posts(
            {"starts_at": slot(4, 9), "hours": "2", "reason": "Our board meets then."},
            {
                "starts_at": values(slot(4, 9), slot(5, 10), slot(0, 10), slot(6, 23)),
                "hours": values("1", "2", "0.5", "4"),
                "reason": values("Our board meets then."),
            },
        )
    )
    def test_reschedule(self, data):
        url = reverse("consultations:consultation-reschedule", args=[self.upcoming.pk])
        response = self.post(self.world.manager, url, data, [self.upcoming])
        if response.status_code == 302:
            self.upcoming.refresh_from_db()
            assert self.upcoming.status == Consultation.Status.REQUESTED

    @FUZZ
    @example({})  # Found by Hypothesis: an empty POST re-showed the form without saying what is missing.
    @given(posts({"reason": "No longer needed."}, {"reason": values("No longer needed.")}))
    def test_cancel(self, data):
        url = reverse("consultations:consultation-cancel", args=[self.upcoming.pk])
        response = self.post(self.world.manager, url, data, [self.upcoming])
        if response.status_code == 302:
            self.upcoming.refresh_from_db()
            assert self.upcoming.status == Consultation.Status.CANCELLED

    @FUZZ
    @example({})  # Found by Hypothesis: an empty POST re-showed the form without saying what is missing.
    @given(
        posts(
            {"result": "held", "summary": "Plan agreed.", "hours_delivered": "1.75", "recommendations": ""},
            {
                "result": values("held", "no_show", "cancelled"),
                "summary": values("We agreed the plan."),
                "recommendations": values("Hire a lawyer."),
                "follow_up_actions": values("Draft by March."),
                "hours_delivered": values("1", "1.75", "1.1", "2", "2.25", "0", "5.5"),
            },
        )
    )
    def test_outcome(self, data):
        url = reverse("consultations:consultation-outcome", args=[self.past.pk])
        response = self.post(self.world.expert.user, url, data, [self.past])
        if response.status_code == 302:
            outcome = SessionOutcome.objects.get(consultation=self.past)
            assert outcome.hours_delivered <= self.past.hours + 1

    @FUZZ
    @example({})  # Found by Hypothesis: an empty POST re-showed the form without saying what is missing.
    @given(
        posts(
            {"score": "4", "comment": "Clear."},
            {"score": values(1, 3, 5, 0, 6), "comment": values("Clear and practical.")},
        )
    )
    def test_rating(self, data):
        url = reverse("consultations:consultation-rate", args=[self.held.pk])
        response = self.post(self.world.manager, url, data, [self.held])
        if response.status_code == 302:
            assert Rating.objects.get(consultation=self.held).score in range(1, 6)
