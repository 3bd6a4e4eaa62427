"""Labels of choice values, for pages that show many rows."""

from django.db import models


def choice_label(choices: type[models.Choices], value) -> str:
    """The translated label of ``value``, or the value itself when it is not among the choices.

    Models override ``get_FOO_display()`` with this: Django's own builds a dict of every choice on each call,
    hashing (so translating) every lazy label, which on a list of events with a country each cost a few
    milliseconds a page.
    """
    try:
        return str(choices(value).label)
    except ValueError:
        return value
