"""The evidence a cluster has gathered for its benchmarking, per indicator area: the sessions whose outcomes named the
area and the event outcomes and funding calls that did. Events is the lowest app that can read both sessions and
events, so the selector lives here; the road page and the evidence pack (reports) read it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext, ngettext

from clusters.models import Cluster, IndicatorArea
from consultations.models import SessionOutcome, counted_hours

from .models import FundingIntent, Outcome

# An indicator area looks thin for a silver improvement below either figure: two sessions are a start and a follow-up,
# three hours about two booked hours' worth of work. Guides for the manager, not the benchmarking's own rule.
THIN_SESSIONS = 2
THIN_HOURS = Decimal("3")
# Silver shows improvement in three indicator areas: the three a silver re-benchmarking claims
# (``Benchmarking.improvement_area_1`` to ``_3``).
SILVER_IMPROVEMENT_AREAS = 3


@dataclass(frozen=True)
class SessionEvidence:
    consultation_id: int
    day: datetime.date
    expert: str
    service_area: str
    topic: str
    # What counts toward the cluster's hours, as the reports count it: logged hours over the booking count only
    # once the cluster accepts them (``counted_hours``).
    hours: Decimal
    hours_logged: Decimal
    summary: str


@dataclass(frozen=True)
class EventEvidence:
    day: datetime.date
    title: str
    result: str


@dataclass
class AreaEvidence:
    area: IndicatorArea
    sessions: list[SessionEvidence] = field(default_factory=list)
    events: list[EventEvidence] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return sum((session.hours for session in self.sessions), Decimal(0))

    @property
    def thin(self) -> bool:
        return len(self.sessions) < THIN_SESSIONS or self.hours < THIN_HOURS


@dataclass(frozen=True)
class ClusterEvidence:
    areas: list[AreaEvidence]
    improvements_needed: int = SILVER_IMPROVEMENT_AREAS

    @property
    def thin_areas(self) -> list[AreaEvidence]:
        return [area for area in self.areas if area.thin]

    @property
    def solid_count(self) -> int:
        return len(self.areas) - len(self.thin_areas)

    @property
    def session_count(self) -> int:
        """Sessions with evidence, each counted once although it may serve several areas."""
        return len({s.consultation_id for area in self.areas for s in area.sessions})

    @property
    def hours(self) -> Decimal:
        """Hours of those sessions, each session counted once."""
        by_session = {s.consultation_id: s.hours for area in self.areas for s in area.sessions}
        return sum(by_session.values(), Decimal(0))

    @property
    def thin_rule(self) -> str:
        return gettext("An area looks thin with fewer than %(sessions)s sessions or %(hours)s hours of evidence.") % {
            "sessions": THIN_SESSIONS,
            "hours": THIN_HOURS,
        }

    @property
    def silver_text(self) -> str:
        """How the evidence stands against silver's improvements in ``improvements_needed`` areas."""
        values = {"needed": self.improvements_needed, "solid": self.solid_count}
        if self.solid_count >= self.improvements_needed:
            return (
                ngettext(
                    "Silver asks for improvement in %(needed)s indicator areas: %(solid)s area has solid evidence.",
                    "Silver asks for improvement in %(needed)s indicator areas: %(solid)s areas have solid evidence.",
                    self.solid_count,
                )
                % values
            )
        return (
            ngettext(
                "Silver asks for improvement in %(needed)s indicator areas, but only %(solid)s area has solid "
                "evidence so far: book sessions in the thin areas.",
                "Silver asks for improvement in %(needed)s indicator areas, but only %(solid)s areas have solid "
                "evidence so far: book sessions in the thin areas.",
                self.solid_count,
            )
            % values
        )


def cluster_evidence(cluster: Cluster) -> ClusterEvidence:
    """Per indicator area, the cluster's held sessions and event results that named it, in four queries.

    A session that names two areas is evidence in both; the totals count it once.
    """
    areas = {area.pk: AreaEvidence(area) for area in IndicatorArea.objects.all()}
    session_links = (
        SessionOutcome.indicator_areas.through.objects.filter(
            sessionoutcome__consultation__cluster=cluster, sessionoutcome__result=SessionOutcome.Result.HELD
        )
        .select_related("sessionoutcome__consultation__expert__user", "sessionoutcome__consultation__service_area")
        .annotate(hours_counted=counted_hours("sessionoutcome__"))
        .order_by("sessionoutcome__consultation__starts_at", "pk")
    )
    for link in session_links:
        outcome = link.sessionoutcome
        consultation = outcome.consultation
        areas[link.indicatorarea_id].sessions.append(
            SessionEvidence(
                consultation_id=consultation.pk,
                day=timezone.localdate(consultation.starts_at),
                expert=str(consultation.expert),
                service_area=str(consultation.service_area),
                topic=consultation.topic,
                hours=link.hours_counted,
                hours_logged=outcome.hours_delivered,
                summary=outcome.summary,
            )
        )
    event_links = (
        Outcome.indicator_areas.through.objects.filter(outcome__participation__cluster=cluster)
        .select_related("outcome__participation__event")
        .order_by("outcome__participation__event__starts_at", "pk")
    )
    for link in event_links:
        outcome = link.outcome
        contacts = ngettext("%(count)s contact made", "%(count)s contacts made", outcome.contacts_made) % {
            "count": outcome.contacts_made
        }
        result = contacts if outcome.attended else gettext("Did not attend")
        if outcome.notes:
            result = f"{result}. {outcome.notes}"
        event = outcome.participation.event
        areas[link.indicatorarea_id].events.append(
            EventEvidence(timezone.localdate(event.starts_at), event.title, result)
        )
    funding_links = (
        FundingIntent.indicator_areas.through.objects.filter(fundingintent__cluster=cluster)
        .select_related("fundingintent__event")
        .order_by("fundingintent__event__starts_at", "pk")
    )
    for link in funding_links:
        intent = link.fundingintent
        day = intent.decided_on or intent.submitted_on or timezone.localdate(intent.event.starts_at)
        result = intent.get_status_display()
        if intent.note:
            result = f"{result}. {intent.note}"
        areas[link.indicatorarea_id].events.append(EventEvidence(day, intent.event.title, result))
    for area in areas.values():
        area.events.sort(key=lambda event: event.day)
    return ClusterEvidence(list(areas.values()))
