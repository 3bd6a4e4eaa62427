"""What the apps' export and import resources (``<app>/resources.py``, django-import-export) share.

Staff read the files in a spreadsheet: columns carry the translated names of the admin, choices their display
names, relations the names a person knows (a cluster's name, an expert's full name), dates Vilnius time and
yes/no in words. Each resource names the relations its columns read (``select_related``/``prefetch_related``),
so an export costs the same few queries for ten rows or fifty thousand.
"""

from diff_match_patch import diff_match_patch
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.html import format_html_join
from django.utils.translation import gettext, gettext_lazy
from import_export import fields, resources, widgets


class TextWidget(widgets.Widget):
    """Any value as the text a person reads (a related object as its name), in CSV and XLSX alike."""

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class YesNoWidget(widgets.Widget):
    """True and False as the words a person reads ("Yes", "No"), in CSV and XLSX alike."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return str(_YES) if value else str(_NO)


def column(attribute: str, name, widget: widgets.Widget | None = None) -> fields.Field:
    """A read-only column: ``attribute`` (a path like ``cluster__name`` or a method like ``get_status_display``)
    under the translated ``name``."""
    return fields.Field(attribute=attribute, column_name=name, widget=widget or TextWidget(), readonly=True)


def datetime_column(attribute: str, name) -> fields.Field:
    return column(attribute, name, widgets.DateTimeWidget())  # Vilnius time, as the admin shows it


def date_column(attribute: str, name) -> fields.Field:
    return column(attribute, name, widgets.DateWidget())


def decimal_column(attribute: str, name) -> fields.Field:
    return column(attribute, name, widgets.DecimalWidget())


def number_column(attribute: str, name) -> fields.Field:
    return column(attribute, name, widgets.IntegerWidget())


def yes_no_column(attribute: str, name) -> fields.Field:
    return column(attribute, name, YesNoWidget())


def computed_column(name) -> fields.Field:
    """A column a ``dehydrate_<field>`` method of the resource fills (a list of related rows, say)."""
    return fields.Field(column_name=name, widget=TextWidget(), readonly=True)


class ExportResource(resources.ModelResource):
    """An export of an admin list: the declared columns only, related rows read with the list in a fixed number
    of queries (``select_related`` joined, ``prefetch_related`` one query per relation and chunk)."""

    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def with_relations(self, queryset):
        return queryset.select_related(*self.select_related).prefetch_related(*self.prefetch_related)

    def get_queryset(self):
        return self.with_relations(super().get_queryset())

    def filter_export(self, queryset, **kwargs):
        # The admin hands over its filtered list; the relations the columns read are added here.
        return self.with_relations(super().filter_export(queryset, **kwargs))

    def get_chunk_size(self):
        # Prefetching exports go page by page; large pages keep the queries few (one per relation and page).
        return 2000


class ChoiceWidget(widgets.Widget):
    """A choice as its display name; read back from the display name (in any of the site's languages) or the
    code, so a file exported, edited in a spreadsheet and imported again keeps its values."""

    def __init__(self, choices, **kwargs):
        self.choices = list(choices)
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        if not text:
            return ""
        wanted = text.casefold()
        for code, label in self.choices:
            names = {str(code).casefold()} | {name.casefold() for name in _in_every_language(label)}
            if wanted in names:
                return code
        raise ValueError(
            gettext("“%(value)s” is not one of: %(choices)s.")
            % {"value": text, "choices": ", ".join(str(label) for _code, label in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class YesNoImportWidget(YesNoWidget):
    """Yes/no in words, read back in any of the site's languages (or 1/0, true/false); empty is no."""

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().casefold()
        if text in {"", "0", "false"} | {name.casefold() for name in _in_every_language(_NO)}:
            return False
        if text in {"1", "true"} | {name.casefold() for name in _in_every_language(_YES)}:
            return True
        raise ValueError(gettext("Write yes or no."))


_YES = gettext_lazy("Yes")
_NO = gettext_lazy("No")


def _in_every_language(text) -> set[str]:
    names = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.add(str(text))
    return names


_DIFF_TAGS = {
    diff_match_patch.DIFF_INSERT: "ins",
    diff_match_patch.DIFF_DELETE: "del",
    diff_match_patch.DIFF_EQUAL: "span",
}


class MarkedDiff(resources.Diff):
    """The import preview's changes as ``<ins>``/``<del>`` marks without the ``style`` attributes
    diff-match-patch's ``diff_prettyHtml`` writes into each of them, which the site's content security policy
    refuses (a console error per changed cell); static/css/admin-import.css colours the marks instead."""

    def as_html(self):
        differ = diff_match_patch()
        cells = []
        for old, new in zip(self.left, self.right, strict=False):  # right is empty until compared
            if old != new and self.new:
                old = ""
            diff = differ.diff_main(force_str(old), force_str(new))
            differ.diff_cleanupSemantic(diff)
            marks = ((_DIFF_TAGS[op], text, _DIFF_TAGS[op]) for op, text in diff)
            cells.append(format_html_join("", "<{}>{}</{}>", marks))
        return cells


class TranslatedHeadersMixin:
    """An import reads its columns by their names in any of the site's languages: a file exported by a person
    working in Lithuanian imports for a person working in English, and the other way round."""

    def before_import(self, dataset, **kwargs):
        names = {}
        for field in self.get_import_fields():
            for name in _in_every_language(field.column_name):
                names[name.strip().casefold()] = str(field.column_name)
        if dataset.headers:
            dataset.headers = [names.get(str(header or "").strip().casefold(), header) for header in dataset.headers]
        return super().before_import(dataset, **kwargs)


class ImportResourceMixin(TranslatedHeadersMixin):
    """An import's resource: column names in any of the site's languages, and a preview the strict content
    security policy lets the browser show as it is."""

    def get_diff_class(self):
        return MarkedDiff

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The preview lists a row's errors by key: the column's name as the file has it ("founding year"), not the
        # model's attribute ("founded_year").
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            columns = {field.attribute: str(field.column_name) for field in self.get_import_fields()}
            raise ValidationError(
                {columns.get(key, key): messages for key, messages in error.error_dict.items()}
            ) from error
