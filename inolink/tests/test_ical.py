import datetime

from icalendar import Calendar

from inolink.ical import CalendarItem, build_calendar


def test_calendar_holds_each_item_with_its_times():
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    data = build_calendar(
        [CalendarItem(uid="consultation-1", summary="Legal", start=start, end=start + datetime.timedelta(hours=2))],
        name="Sessions",
    )
    events = Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["uid"]) == "consultation-1@inolink"
    assert events[0].decoded("dtstart") == start
