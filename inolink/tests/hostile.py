"""Shared pieces of the hostile walk (inolink/tests/test_hostile_walk.py): find a page's forms and query
parameters in its HTML, and fill them with the values people and scripts send that no page may answer with a 500.

The walk learns what to send from the response itself, so a new form, field or filter is covered without anyone
listing it: every ``<form>`` with its inputs, text areas and drop-downs, and the query parameters of every link
and GET form on the page. Each field gets a kind (number, date, date and time, time, choice, text) from its
``type``, its admin widget class or the value it carries; the hostile values are chosen per kind, so a far date
reaches the date arithmetic behind a form whose other fields are plausible.
"""

import datetime
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

LONG = "x" * 10**6
# How many fields carry the 10^6-character value in one request: the body stays under
# DATA_UPLOAD_MAX_MEMORY_SIZE (12 MB), which answers 400 before any view runs.
LONG_FIELDS_PER_REQUEST = 8
OVERFLOW = "9" * 20  # beyond a 64-bit integer, a float's exact range and SQLite's INTEGER
MANY_FORMS = "1000"  # a formset's TOTAL_FORMS: the page must stay bounded

# Per kind of field: the hostile values sent to every field at once, one request per column.
HOSTILE = {
    "nul": {"*": "\x00"},
    "embedded nul": {"*": "a\x00b"},
    "overflow": {"date": "9999-12-31", "datetime": "9999-12-31T23:59", "time": "23:59:59.999999", "*": OVERFLOW},
    "underflow": {"date": "0001-01-01", "datetime": "0001-01-01T00:00", "time": "00:00", "*": "-" + OVERFLOW},
    "not a number": {"*": "NaN"},
    "float overflow": {"*": "1e999"},
}
# Hostile values for one kind of field at a time, the others left plausible (see Form.plausible).
TARGETED = {
    "far future": {"date": "9999-12-31", "datetime": "9999-12-31T23:59", "time": "23:59"},
    "far past": {"date": "0001-01-01", "datetime": "0001-01-01T00:00", "time": "00:00"},
    "overflow numbers": {"number": OVERFLOW, "choice": OVERFLOW},
    "non-numeric ids": {"number": "abc", "choice": "abc"},
    "nul in text": {"text": "a\x00b"},
}
QUERY_VALUES = ["\x00", OVERFLOW, "-" + OVERFLOW, "NaN", "abc", "9999-12-31", "0001-01-01", LONG]
# Sent to one parameter at a time, the others kept as the page links them (a broken one cannot hide another).
QUERY_VALUES_ONE_AT_A_TIME = ["\x00", OVERFLOW, "NaN", "9999-12-31", "0001-01-01"]
# Values for a URL's own parameters (<int:pk>, <str:token>, <slug:key>): what the converter lets through.
PATH_VALUES = {"int": ["0", OVERFLOW], "str": ["\x00", "abc", "x" * 5000], "slug": ["abc", "x" * 5000]}

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
TIME_RE = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")
TEXT_TYPES = {"text", "search", "email", "url", "password", "tel", "textarea"}
INPUT_KINDS = {"number": "number", "range": "number", "date": "date", "datetime-local": "datetime", "time": "time"}


@dataclass
class Field:
    name: str
    kind: str  # number, date, datetime, time, choice, text, checkbox
    type: str
    value: str | None  # what the page shows (None: nothing selected)
    options: list = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    fields: dict = field(default_factory=dict)
    submit: tuple | None = None  # the first named submit button

    @property
    def formset_counts(self):
        return [name for name in self.fields if name.endswith("-TOTAL_FORMS")]

    def plausible(self, today: datetime.date) -> dict:
        """The form as a person would send it: what the page shows, empty fields filled with ordinary values."""
        data = {}
        soon = today + datetime.timedelta(days=7)
        for name, f in self.fields.items():
            if f.kind == "checkbox":
                if f.value is not None:
                    data[name] = f.value
                continue
            value = f.value
            if value in (None, ""):
                value = {
                    "number": "1",
                    "date": soon.isoformat(),
                    "datetime": f"{soon.isoformat()}T10:00",
                    "time": "10:00",
                    "choice": next((option for option in f.options if option), ""),
                }.get(f.kind)
                if value is None:
                    value = {"email": "walk@example.com", "url": "https://example.com/", "tel": "+37060000000"}.get(
                        f.type, "Walk"
                    )
            data[name] = value
        if self.submit:
            data.setdefault(self.submit[0], self.submit[1])
        return data

    def bodies(self, today: datetime.date):
        """(label, POST body) of every hostile variant of this form."""
        base = self.plausible(today)
        editable = [name for name, f in self.fields.items() if f.kind != "checkbox"]
        for label, values in HOSTILE.items():
            yield label, {**base, **{name: values.get(self.fields[name].kind, values["*"]) for name in editable}}
        for label, values in TARGETED.items():
            changed = {name: values[f.kind] for name, f in self.fields.items() if f.kind in values}
            if changed:
                yield label, {**base, **changed}
        dated = [name for name, f in self.fields.items() if f.kind in {"date", "datetime"}]
        if len(dated) > 1:
            # Each date a day before the one above it: an end before its start, a "to" before its "from".
            reversed_dates = {}
            for offset, name in enumerate(dated):
                day = today + datetime.timedelta(days=30 - offset)
                reversed_dates[name] = day.isoformat() if self.fields[name].kind == "date" else f"{day}T10:00"
            yield "reversed range", {**base, **reversed_dates}
        if self.formset_counts:
            yield "many forms", {**base, **dict.fromkeys(self.formset_counts, MANY_FORMS)}
        texts = [name for name, f in self.fields.items() if f.kind == "text"]
        for start in range(0, len(texts), LONG_FIELDS_PER_REQUEST):
            yield "10^6 characters", {**base, **dict.fromkeys(texts[start : start + LONG_FIELDS_PER_REQUEST], LONG)}


def _kind(tag: str, attrs: dict) -> tuple[str, str]:
    if tag == "textarea":
        return "text", "textarea"
    if tag == "select":
        return "choice", "select"
    type_ = (attrs.get("type") or "text").lower()
    classes = set((attrs.get("class") or "").split())
    if type_ in {"checkbox", "radio"}:
        return ("checkbox" if type_ == "checkbox" else "choice"), type_
    if type_ in INPUT_KINDS:
        return INPUT_KINDS[type_], type_
    if "vDateField" in classes:
        return "date", type_
    if "vTimeField" in classes:
        return "time", type_
    if "vForeignKeyRawIdAdminField" in classes or "vIntegerField" in classes:
        return "number", type_
    value = attrs.get("value") or ""
    if type_ == "hidden":
        for pattern, kind in ((DATETIME_RE, "datetime"), (DATE_RE, "date"), (TIME_RE, "time"), (NUMBER_RE, "number")):
            if pattern.match(value):
                return kind, type_
    return "text", type_


class PageParser(HTMLParser):
    """The forms of a page and the query strings of its links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = Form(action=attrs.get("action", ""), method=(attrs.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None or "disabled" in attrs:
            return
        elif tag in {"input", "button"} and attrs.get("name"):
            self._input(tag, attrs)
        elif tag == "select" and attrs.get("name"):
            self._select = self._add(attrs["name"], "choice", "select", None)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select.options.append(value)
            if "selected" in attrs or self._select.value is None:
                self._select.value = value
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = self._add(attrs["name"], "text", "textarea", "")

    def _input(self, tag, attrs):
        type_ = (attrs.get("type") or ("submit" if tag == "button" else "text")).lower()
        name, value = attrs["name"], attrs.get("value", "")
        if type_ in {"submit", "image", "reset"}:
            if self._form.submit is None and type_ == "submit":
                self._form.submit = (name, value)
            return
        if type_ == "file":
            return
        kind, type_ = _kind(tag, attrs)
        existing = self._form.fields.get(name)
        if existing is not None and kind in {"choice", "checkbox"}:
            existing.options.append(value)
            if "checked" in attrs:
                existing.value = value
            return
        self._add(name, kind, type_, value if kind not in {"choice", "checkbox"} or "checked" in attrs else None)
        self._form.fields[name].options.append(value)

    def _add(self, name, kind, type_, value):
        self._form.fields[name] = Field(name=name, kind=kind, type=type_, value=value)
        return self._form.fields[name]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@dataclass
class Page:
    forms: list
    links: list


def parse(response) -> Page:
    """The forms and links of an HTML response (none for anything else)."""
    if "html" not in response.get("Content-Type", ""):
        return Page([], [])
    parser = PageParser()
    parser.feed(response.content.decode(response.charset or "utf-8", errors="replace"))
    return Page(parser.forms, parser.links)


def query_params(page: Page, path: str) -> dict:
    """Parameter name -> a value the page itself uses, from its links and its GET forms to ``path``."""
    params = {}
    for link in page.links:
        parts = urlsplit(link)
        if parts.path in ("", path) and parts.query:
            params.update(parse_qsl(parts.query, keep_blank_values=True))
    for form in page.forms:
        if form.method == "get" and urlsplit(form.action).path in ("", path):
            params.update(form.plausible(datetime.date.today()))
    return params


def query_variants(params: dict):
    """(label, query) of every hostile variant: each value in every parameter at once, and one at a time
    (so a broken parameter cannot hide another behind the page's fallback)."""
    for value in QUERY_VALUES:
        label = "10^6 characters" if value is LONG else repr(value)
        yield f"all parameters {label}", dict.fromkeys(params, value)
        if value in QUERY_VALUES_ONE_AT_A_TIME:
            for name in params:
                yield f"{name}={label}", {**params, name: value}
    dated = [name for name, value in params.items() if DATE_RE.match(value or "")]
    if len(dated) > 1:
        today = datetime.date.today()
        reversed_dates = {
            name: (today + datetime.timedelta(days=30 - offset)).isoformat() for offset, name in enumerate(dated)
        }
        yield "reversed range", {**params, **reversed_dates}
