"""How much free text a person may type into a field, held by the forms and by the database.

Each limit is the model field's ``max_length``; for a ``TextField`` a module constant beside the model gives it to
the field and to its ``max_length_check``. A ``TextField``'s ``max_length`` reaches only its forms (a ``maxlength``
attribute and a validator): the check makes the database refuse longer text written past them, too.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.formats import number_format
from django.utils.translation import ngettext


def max_length_check(*, field: str, limit: int, name: str) -> models.CheckConstraint:
    """A database check that ``field`` holds at most ``limit`` characters (SQLite and PostgreSQL count characters,
    not bytes)."""
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), limit), name=name)


def max_length_of(model: type[models.Model], field: str) -> int:
    """The limit of a model's field, for a form that declares the field itself."""
    return model._meta.get_field(field).max_length


class TextLengthValidator(MaxLengthValidator):
    """Django's maximum length check, saying the limit and the count as the interface language writes numbers
    ("at most 4,000 characters; you wrote 4,213")."""

    def __call__(self, value):
        count = self.clean(value)
        if self.compare(count, self.limit_value):
            message = ngettext(
                "Shorten this to at most %(limit)s character; you wrote %(count)s.",
                "Shorten this to at most %(limit)s characters; you wrote %(count)s.",
                self.limit_value,
            ) % {
                "limit": number_format(self.limit_value, force_grouping=True),
                "count": number_format(count, force_grouping=True),
            }
            raise ValidationError(message, code=self.code)
