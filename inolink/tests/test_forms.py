from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from inolink.forms import HoursField


class HoursForm(forms.Form):
    hours = HoursField(max_digits=4, decimal_places=2, required=False)


@pytest.mark.parametrize("language", ["en", "lt"])
@pytest.mark.parametrize(("typed", "value"), [("1,75", "1.75"), ("1.75", "1.75"), (" 2 ", "2"), ("", None)])
def test_hours_take_a_decimal_comma_or_point_in_any_language(language, typed, value):
    with translation.override(language):
        form = HoursForm({"hours": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["hours"] == (Decimal(value) if value else None)


@pytest.mark.parametrize(("language", "shown"), [("en", 'value="1.5"'), ("lt", 'value="1,5"')])
def test_hours_show_in_the_languages_format_and_typed_text_as_typed(language, shown):
    with translation.override(language):
        field = str(HoursForm(initial={"hours": Decimal("1.50")})["hours"])
        assert shown in field and 'type="text"' in field and 'inputmode="decimal"' in field
        assert 'value="1,5 h"' in str(HoursForm({"hours": "1,5 h"})["hours"])


def test_one_message_replaces_djangos_number_messages():
    form = HoursForm({"hours": "175"})
    form.fields["hours"].use_message("Give quarter hours.")
    assert not form.is_valid() and form.errors["hours"] == ["Give quarter hours."]
    for typed in ("abc", "1.333", "NaN"):
        form = HoursForm({"hours": typed})
        form.fields["hours"].use_message("Give quarter hours.")
        assert not form.is_valid() and form.errors["hours"] == ["Give quarter hours."], typed
