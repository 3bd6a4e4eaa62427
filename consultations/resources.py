"""The admin's exports of consultations, outcomes and ratings (see inolink/resources.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inolink.resources import (
    ExportResource,
    column,
    computed_column,
    datetime_column,
    decimal_column,
    number_column,
)

from .models import Consultation, Rating, SessionOutcome


class ConsultationResource(ExportResource):
    id = number_column("id", _("No."))
    topic = column("topic", _("topic"))
    cluster = column("cluster__name", _("cluster"))
    agreement = column("agreement__number", _("agreement"))
    service_area = column("service_area", _("service area"))
    expert = column("expert", _("expert"))
    starts_at = datetime_column("starts_at", _("starts"))
    ends_at = datetime_column("ends_at", _("ends"))
    hours = decimal_column("hours", _("booked hours"))
    session_format = column("get_format_display", _("format"))
    place = computed_column(_("place or link"))
    status = column("get_status_display", _("status"))
    status_reason = column("status_reason", _("reason"))
    booked_by = column("booked_by", _("booked by"))
    created_at = datetime_column("created_at", _("requested at"))
    result = column("outcome__get_result_display", _("result"))
    # As the budget and the reports count them (``SessionOutcome.hours_counted``); the outcomes' export has the hours
    # as logged.
    hours_delivered = decimal_column("outcome__hours_counted", _("hours delivered"))
    rating = number_column("rating__score", _("rating"))

    select_related = ("cluster", "agreement", "service_area", "expert__user", "booked_by", "outcome", "rating")

    class Meta:
        model = Consultation
        name = pgettext_lazy("export", "Consultations")
        fields = [
            "id",
            "topic",
            "cluster",
            "agreement",
            "service_area",
            "expert",
            "starts_at",
            "ends_at",
            "hours",
            "session_format",
            "place",
            "status",
            "status_reason",
            "booked_by",
            "created_at",
            "result",
            "hours_delivered",
            "rating",
        ]

    def dehydrate_place(self, consultation):
        if consultation.format == Consultation.Format.ONLINE:
            return consultation.meeting_url
        return ", ".join(part for part in (consultation.address, consultation.city) if part)


class SessionOutcomeResource(ExportResource):
    consultation_id = number_column("consultation_id", _("consultation No."))
    topic = column("consultation__topic", _("topic"))
    cluster = column("consultation__cluster__name", _("cluster"))
    service_area = column("consultation__service_area", _("service area"))
    expert = column("consultation__expert", _("expert"))
    starts_at = datetime_column("consultation__starts_at", _("starts"))
    result = column("get_result_display", _("result"))
    hours_delivered = decimal_column("hours_delivered", _("hours delivered"))
    summary = column("summary", _("summary"))
    recommendations = column("recommendations", _("recommendations"))
    follow_up_actions = column("follow_up_actions", _("agreed follow-up actions"))
    indicator_areas = computed_column(_("indicator areas"))
    created_at = datetime_column("created_at", _("logged at"))

    select_related = ("consultation__cluster", "consultation__service_area", "consultation__expert__user")
    prefetch_related = ("indicator_areas",)

    class Meta:
        model = SessionOutcome
        name = pgettext_lazy("export", "Session outcomes")
        fields = [
            "consultation_id",
            "topic",
            "cluster",
            "service_area",
            "expert",
            "starts_at",
            "result",
            "hours_delivered",
            "summary",
            "recommendations",
            "follow_up_actions",
            "indicator_areas",
            "created_at",
        ]

    def dehydrate_indicator_areas(self, outcome):
        return "; ".join(str(area) for area in outcome.indicator_areas.all())


class RatingResource(ExportResource):
    consultation_id = number_column("consultation_id", _("consultation No."))
    topic = column("consultation__topic", _("topic"))
    cluster = column("consultation__cluster__name", _("cluster"))
    service_area = column("consultation__service_area", _("service area"))
    expert = column("consultation__expert", _("expert"))
    starts_at = datetime_column("consultation__starts_at", _("starts"))
    score = number_column("score", _("rating"))
    comment = column("comment", _("comment"))
    rated_by = column("rated_by", _("rated by"))
    created_at = datetime_column("created_at", _("rated at"))

    select_related = (
        "consultation__cluster",
        "consultation__service_area",
        "consultation__expert__user",
        "rated_by",
    )

    class Meta:
        model = Rating
        name = pgettext_lazy("export", "Ratings")
        fields = [
            "consultation_id",
            "topic",
            "cluster",
            "service_area",
            "expert",
            "starts_at",
            "score",
            "comment",
            "rated_by",
            "created_at",
        ]
