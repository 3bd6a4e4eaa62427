import datetime

import pytest
from django import forms
from django.template import Template
from django.template.context import Context
from django.utils import timezone, translation

from inolink.forms import InlineSelect


@pytest.mark.parametrize("language", ["en", "lt"])
def test_period_reads_as_the_date_and_time_filters_do(language):
    start = timezone.make_aware(datetime.datetime(2026, 3, 29, 1, 30), datetime.UTC)  # summer time begins
    context = Context({"start": start, "end": start + datetime.timedelta(hours=2)})
    with translation.override(language):
        period = Template("{% load inolink_format %}{{ start|period:end }}").render(context)
        filters = Template('{{ start|date:"D, Y-m-d H:i" }}–{{ end|time:"H:i" }}').render(context)
    assert period == filters
    assert period.endswith("2026-03-29 04:30–06:30")


@pytest.mark.parametrize(("language", "expected"), [("en", "20 h"), ("lt", "20 val.")])
def test_hours_never_leave_their_unit_at_the_end_of_a_line(language, expected):
    with translation.override(language):
        rendered = Template("{% load inolink_format %}{{ value|hours }}").render(Context({"value": "20.00"}))
    assert rendered == expected.replace(" ", "\N{NO-BREAK SPACE}")


def test_nowrap_keeps_a_value_on_one_line_inside_a_translated_sentence():
    template = Template(
        "{% load i18n inolink_format %}{% blocktranslate with n=value|nowrap %}Agreement {{ n }}{% endblocktranslate %}"
    )
    assert template.render(Context({"value": "A-1 <b>"})) == 'Agreement <span class="text-nowrap">A-1 &lt;b&gt;</span>'


class PickForm(forms.Form):
    pick = forms.TypedChoiceField(
        coerce=int, required=False, choices=[("", "Any"), (1, "Ann & Bo"), (2, "Cy")], widget=InlineSelect
    )


def test_inline_select_marks_the_chosen_option_and_escapes_labels():
    assert str(PickForm({"pick": "2"})["pick"]) == (
        '<select name="pick" id="id_pick"><option value="">Any</option><option value="1">Ann &amp; Bo</option>'
        '<option value="2" selected>Cy</option></select>'
    )
    assert str(PickForm()["pick"]).count(" selected") == 1  # the empty choice, as Django's own select does
    assert '<option value="" selected>' in str(PickForm()["pick"])


@pytest.mark.parametrize(
    ("language", "first", "last", "expected"),
    [
        ("en", datetime.date(2026, 11, 30), datetime.date(2026, 12, 6), "30 November – 6 December 2026"),
        ("lt", datetime.date(2026, 11, 30), datetime.date(2026, 12, 6), "2026 m. lapkričio 30 d. – gruodžio 6 d."),
        ("en", datetime.date(2026, 12, 28), datetime.date(2027, 1, 3), "28 Dec 2026 – 3 Jan 2027"),
        ("lt", datetime.date(2026, 12, 28), datetime.date(2027, 1, 3), "2026 m. gruodžio 28 d. – 2027 m. sausio 3 d."),
    ],
)
def test_date_span_follows_each_languages_order(language, first, last, expected):
    template = Template("{% load inolink_format %}{% date_span first last %}")
    with translation.override(language):
        assert template.render(Context({"first": first, "last": last})) == expected


def test_dates_and_numbers_read_as_in_europe_and_lithuania():
    from django.utils.formats import date_format, number_format

    day = datetime.date(2026, 2, 3)
    with translation.override("en"):
        assert date_format(day) == "3 Feb 2026"
        assert date_format(day, "SHORT_DATE_FORMAT") == "2026-02-03"
        assert date_format(datetime.datetime(2026, 2, 3, 17, 5), "DATETIME_FORMAT") == "3 Feb 2026, 17:05"
    week = [datetime.date(2026, 11, 30) + datetime.timedelta(days=offset) for offset in range(7)]
    with translation.override("lt"):
        assert number_format(1200.5, decimal_pos=2, force_grouping=True) == "1\xa0200,50"
        # Two-letter week days, not Django's one letter (P, Š, S for Friday to Sunday).
        assert [date_format(day, "D") for day in week] == ["Pr", "An", "Tr", "Kt", "Pn", "Št", "Sk"]


@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "NaN", "sNaN", "abc", "", None])
def test_hours_of_anything_but_a_number_are_empty(value):
    from inolink.formatting import hours

    assert hours(value) == ""


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Monday, 2026-12-07 and Sunday"), ("lt", "pirmadienis, 2026-12-07 and sekmadienis")],
)
def test_mid_sentence_writes_day_names_as_a_sentence_does(language, expected):
    context = Context({"day": datetime.date(2026, 12, 7), "sunday": datetime.date(2026, 12, 13)})
    with translation.override(language):
        text = Template(
            '{% load inolink_format %}{{ day|date:"l, Y-m-d"|mid_sentence }} and {{ sunday|date:"l"|mid_sentence }}'
        ).render(context)
        kept_together = Template('{% load inolink_format %}{{ day|date:"l"|mid_sentence|nowrap }}').render(context)
    assert text == expected
    assert kept_together == f'<span class="text-nowrap">{expected.split(",")[0]}</span>'


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Monday, 7 Dec 2026, 10:05"), ("lt", "2026 m. gruodžio 7 d. (pirmadienis), 10:05")],
)
def test_a_day_and_time_reads_as_the_language_writes_dates(language, expected):
    # 08:05 UTC is 10:05 in Vilnius, the site's time zone.
    moment = datetime.datetime(2026, 12, 7, 8, 5, tzinfo=datetime.UTC)
    with translation.override(language):
        rendered = Template("{% load inolink_format %}{{ moment|day_and_time }}|{{ nothing|day_and_time }}").render(
            Context({"moment": moment, "nothing": None})
        )
    assert rendered == f"{expected}|"


@pytest.mark.parametrize(("language", "expected"), [("en", "February 2028"), ("lt", "2028 m. vasario mėn.")])
def test_a_month_reads_as_the_language_names_it(language, expected):
    with translation.override(language):
        rendered = Template("{% load inolink_format %}{{ day|month_label }}|{{ nothing|month_label }}").render(
            Context({"day": datetime.date(2028, 2, 29), "nothing": None})
        )
    assert rendered == f"{expected}|"


@pytest.mark.parametrize(
    ("language", "values", "expected"),
    [
        ("en", ["0.5", "1", "2", "10"], ["0.5 FTE", "1 FTE", "2 FTE", "10 FTE"]),
        ("lt", ["0.5", "1", "2", "10", "21"], ["0,5 etato", "1 etatas", "2 etatai", "10 etatų", "21 etatas"]),
    ],
)
def test_full_time_equivalents_take_the_form_their_number_needs(language, values, expected):
    from decimal import Decimal

    from inolink.formatting import full_time_equivalents

    with translation.override(language):
        assert [full_time_equivalents(Decimal(value)) for value in values] == expected
