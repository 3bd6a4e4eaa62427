import datetime
from decimal import Decimal

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def with_columns(row, columns):
    """Pairs of (value, column) for one table row."""
    return zip(row, columns, strict=True)


@register.filter
def report_cell(value, kind: str):
    """A table value as the dashboard shows it (the downloads keep the raw, typed value)."""
    if value is None or value == "":
        return "–"
    if kind == "bool":
        return _("yes") if value else _("no")
    if kind == "date" and isinstance(value, datetime.date):
        return date_filter(value, "Y-m-d")
    if kind == "hours":
        return floatformat(value, "2g")
    if kind == "percent":
        return f"{floatformat(Decimal(str(value)) * 100, 1)} %"
    if kind == "int":
        return floatformat(value, "0g")
    return value


@register.filter
def is_numeric(kind: str) -> bool:
    return kind in {"int", "hours", "percent"}
