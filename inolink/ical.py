"""iCalendar (.ics) files and feeds, shared by consultations and events."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event

PRODUCT_ID = "-//InoLink//Cluster consultancy programme//EN"


@dataclass(frozen=True)
class CalendarItem:
    uid: str
    summary: str
    start: datetime.datetime | datetime.date
    end: datetime.datetime | datetime.date
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False


def build_calendar(items: Iterable[CalendarItem], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for item in items:
        event = Event()
        event.add("uid", f"{item.uid}@inolink")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_response(
    items: Iterable[CalendarItem], *, name: str, filename: str, attachment: bool = True
) -> HttpResponse:
    response = HttpResponse(build_calendar(items, name=name), content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def absolute_url(path: str) -> str:
    """A link for use outside the browser (emails, calendar entries)."""
    return f"{settings.SITE_URL}{path}"
