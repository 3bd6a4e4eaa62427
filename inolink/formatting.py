"""How numbers, hours and dates read in the active language, for Python code and templates alike.

A plain module, below every app: models, services and forms import it; ``inolink_format`` registers the same
functions as template filters.
"""

from decimal import Decimal, InvalidOperation

from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.dates import MONTHS_ALT, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import date_format, time_format
from django.utils.translation import get_language, gettext, ngettext, pgettext

# Languages of the interface (settings.LANGUAGES) that write day names in lower case inside a sentence;
# Django's catalogue gives them capitalised, as they stand alone in a list or at the start of a line.
LOWER_CASE_DAY_NAMES = frozenset({"lt"})
# Likewise for the names of languages ("lietuvių, anglų"), capitalised in Django's catalogue.
LOWER_CASE_LANGUAGE_NAMES = frozenset({"lt"})


def decimal_number(value) -> str:
    """A decimal number with the digits it has, in the active language: "1.5" in English, "1,5" in Lithuanian.

    Anything that is not a finite number gives "" (a tampered form value must not break the page).
    """
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return ""
    if not number.is_finite():
        return ""
    decimals = max(0, -number.as_tuple().exponent)
    return floatformat(number, decimals)


def hours_number(value) -> str:
    """A number of hours without the unit, as ``decimal_number`` writes it."""
    return decimal_number(value)


def hours(value) -> str:
    """Hours in the active language: "1.5 h" in English, "1,5 val." in Lithuanian.

    The number and its unit are joined by a no-break space, so a line never ends between them.
    """
    number = hours_number(value)
    if not number:
        return ""
    # Translators: a number of hours, e.g. "1.5 h"; Lithuanian "1,5 val."
    return (gettext("%(hours)s h") % {"hours": number}).replace(" ", "\N{NO-BREAK SPACE}")


def full_time_equivalents(value) -> str:
    """Staff in full-time equivalents: "0.5 FTE", "2 FTE"; Lithuanian "0,5 etato", "2 etatai", "10 etatų" (a
    fraction has a form of its own)."""
    value = Decimal(value)
    number = decimal_number(value)
    if value != value.to_integral_value():
        # Translators: a fractional number of full-time equivalents, e.g. "0.5 FTE"; Lithuanian "0,5 etato".
        return pgettext("fractional number", "%(fte)s FTE") % {"fte": number}
    return ngettext("%(fte)s FTE", "%(fte)s FTE", int(value)) % {"fte": number}


def mid_sentence(text) -> str:
    """A formatted date as it reads inside a sentence: "on pirmadienis, 2026-12-07" in Lithuanian, where day
    names are lower case there; English keeps "Monday"."""
    text = str(text)
    if (get_language() or "").split("-")[0] not in LOWER_CASE_DAY_NAMES:
        return text
    for name in map(str, WEEKDAYS.values()):
        text = text.replace(name, name.lower())
    return text


def day_and_time(moment) -> str:
    """A moment as a page states it, in the active language and the local time zone: "Monday, 7 Dec 2026, 10:00"
    in English, "2026 m. gruodžio 7 d. (pirmadienis), 10:00" in Lithuanian. Nothing gives ""."""
    if not moment:
        return ""
    moment = timezone.localtime(moment)
    # Translators: a day with its time, e.g. "Monday, 7 Dec 2026, 10:00"; Lithuanian puts the date first, "2026 m.
    # gruodžio 7 d. (pirmadienis), 10:00".
    return gettext("%(weekday)s, %(date)s, %(time)s") % {
        "weekday": mid_sentence(WEEKDAYS[moment.weekday()]),
        "date": date_format(moment, "DATE_FORMAT"),
        "time": time_format(moment, "TIME_FORMAT"),
    }


def month_label(day) -> str:
    """The month of ``day`` as a sentence or a list names it: "February 2028" in English, "2028 m. vasario mėn."
    in Lithuanian (the month's name in the genitive, as official texts write it). Nothing gives ""."""
    if not day:
        return ""
    # Translators: a month of a year, e.g. "February 2028"; Lithuanian "%(year)s m. %(month)s mėn." ("2028 m.
    # vasario mėn.", the month's name comes in the genitive).
    return pgettext("month of a year", "%(month)s %(year)s") % {"month": MONTHS_ALT[day.month], "year": day.year}


def language_list(names) -> str:
    """Names of languages as a line of text reads them: "Lithuanian, English" in English, "lietuvių, anglų" in
    Lithuanian, where they are not capitalised."""
    text = ", ".join(str(name) for name in names)
    if (get_language() or "").split("-")[0] in LOWER_CASE_LANGUAGE_NAMES:
        return text.lower()
    return text


def period(start, end) -> str:
    """A session's time as lists show it, "Mon, 2026-11-30 10:00–11:00", in the active language and time zone.

    The same as ``start|date:"D, Y-m-d H:i"`` and ``end|time:"H:i"``, at a fraction of their cost (a list has a
    row per session).
    """
    start, end = timezone.localtime(start), timezone.localtime(end)
    return f"{WEEKDAYS_ABBR[start.weekday()]}, {start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def date_span(first, last) -> str:
    """Two days as one span in the active language: "30 November – 6 December 2026" in English, "2026 m.
    lapkričio 30 d. – gruodžio 6 d." in Lithuanian, where the year comes first."""
    if first.year != last.year:
        return f"{date_format(first, 'DATE_FORMAT')} – {date_format(last, 'DATE_FORMAT')}"
    # Translators: two days of one year, e.g. "30 November – 6 December 2026"; Lithuanian puts the year first.
    return gettext("%(start)s – %(end)s %(year)s") % {
        "start": date_format(first, "MONTH_DAY_FORMAT"),
        "end": date_format(last, "MONTH_DAY_FORMAT"),
        "year": first.year,
    }
