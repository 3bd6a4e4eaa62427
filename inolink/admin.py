"""Admin pieces the apps' staff screens share."""

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import ValidationError
from django.db.models import BigIntegerField, Q
from django.http import Http404, HttpResponseNotAllowed
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext

from inolink.forms import validate_utc_representable


class PlainActionCheckboxMixin:
    """Changelist rows select with a checkbox written directly.

    Django renders each row's checkbox through the form widget templates, which costs more than the
    rest of a row; the HTML (name, value, class, label) is the same, so the actions' JavaScript and
    the "select all" box work unchanged.
    """

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )


class SubquerySearchMixin:
    """Admin search that matches fields of related rows with a subquery instead of joining them in.

    Django joins every related table a search field names into the changelist's count and list queries, so
    the database pairs each of the model's rows with its relations before testing any of them. Over the
    programme's consultations (50,000 in the benchmark) that took 60 ms a query; a subquery over the small
    related table takes a third of it. Terms work as in Django: each must match one of the fields, and a
    quoted phrase is one term. ``search_fields`` are plain paths (no ``^``, ``=`` or ``@`` prefixes).
    """

    def get_search_results(self, request, queryset, search_term):
        for term in smart_split(search_term):
            if term[0] in "\"'" and term[-1] == term[0]:
                term = unescape_string_literal(term)
            matches = Q()
            for path in self.get_search_fields(request):
                matches |= self._search_match(path, term)
            queryset = queryset.filter(matches)
        return queryset, False

    def _search_match(self, path: str, term: str) -> Q:
        name, _, rest = path.partition("__")
        field = self.model._meta.get_field(name)
        if not rest or not field.is_relation:
            return Q(**{f"{path}__icontains": term})
        related = field.related_model._default_manager.filter(**{f"{rest}__icontains": term})
        return Q(**{f"{name}__in": related.values("pk")})


class DropdownListFilter(admin.SimpleListFilter):
    """A filter over many objects, picked from one drop-down in a small form.

    Hundreds of experts or dozens of clusters make a sidebar of links nobody scans, and each link
    costs a query string; the form sends the same parameter and keeps the page's other filters.
    """

    template = "admin/dropdown_filter.html"
    lookup = ""  # the queryset lookup the chosen primary key filters on

    def queryset(self, request, queryset):
        # A value that is not a whole number (tampered, a digit like "²" that isdigit() accepts, or beyond the
        # database's integers) filters nothing.
        if self.value() is None or not is_valid_key(BigIntegerField(), self.value()):
            return queryset
        return queryset.filter(**{self.lookup: int(self.value())})

    def choices(self, changelist):
        # Only choices() is given the changelist, so it also sets the hidden fields the template reads.
        # Changing the filter starts again at the first page, which filter_params already leaves out.
        self.kept_params = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name != self.parameter_name
            for value in values
        ]
        for value, label in self.lookup_choices:
            yield {"value": value, "display": label, "selected": self.value() == value}


# --- Hostile input ------------------------------------------------------------------------------------------
#
# Staff make typos, and a tampered form or address must get a form error or a 404, never a 500. Django's admin
# and the packages' admins (simple-history, django-celery-beat, django-axes, django-otp) let some values through
# to the database or to arithmetic that refuses them: a key that is not a number or beyond the database's range
# (an autocomplete field's "NaN", a history page's "abc"), a NUL (refused by PostgreSQL), a year 1 date that
# Vilnius time pushes before the first UTC date. InolinkAdminSite gives every registered ModelAdmin, and its
# inlines, the checks below (HardenedAdminMixin), so no model's admin has to remember them.

# A longer search finds nothing: nobody types it, and SQLite refuses a LIKE pattern over 50,000 bytes.
SEARCH_MAX_LENGTH = 200
INLINE_MAX_NUM = 100  # rows an inline takes at most when it sets no max_num of its own


def is_valid_key(field, value) -> bool:
    """Whether ``value`` can be a value of the model ``field``: it converts, fits the database's range, holds no NUL."""
    if "\x00" in str(value):
        return False
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class KeyCheckedMixin:
    """A model choice field that refuses a value its key field cannot hold before it reaches a query.

    Django's ModelChoiceField catches the ValueError of "NaN" but not the OverflowError of a 20-digit number, and
    an autocomplete widget redisplaying the refused value queries it again without any check.
    """

    def _key_field(self):
        meta = self.queryset.model._meta
        return meta.get_field(self.to_field_name) if self.to_field_name else meta.pk

    def _invalid(self, value) -> bool:
        return value not in self.empty_values and not is_valid_key(self._key_field(), value)

    def bound_data(self, data, initial):
        # The page shows the field empty, with its error, instead of looking the refused value up.
        if isinstance(data, list | tuple):
            return [value for value in data if not self._invalid(value)]
        return None if self._invalid(data) else data


class KeyCheckedModelChoiceField(KeyCheckedMixin, forms.ModelChoiceField):
    def to_python(self, value):
        if self._invalid(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class KeyCheckedModelMultipleChoiceField(KeyCheckedMixin, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            if self._invalid(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class KeyCheckedFormfieldsMixin:
    """Relations are chosen through KeyCheckedModelChoiceField and KeyCheckedModelMultipleChoiceField; dates and
    times are ones UTC can hold (a year-1 date answered OverflowError when saved)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(formfield, forms.DateTimeField | forms.SplitDateTimeField):
            formfield.validators.append(validate_utc_representable)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", KeyCheckedModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", KeyCheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class HardenedAdminMixin(KeyCheckedFormfieldsMixin):
    """The checks of hostile input that every ModelAdmin of the site gets (see InolinkAdminSite)."""

    def get_search_results(self, request, queryset, search_term):
        # The changelist's search and the autocomplete widgets' both come here.
        if len(search_term) > SEARCH_MAX_LENGTH or "\x00" in search_term:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def get_changelist_instance(self, request):
        if any("\x00" in key + value for key, value in request.GET.items() if key != SEARCH_VAR):
            raise IncorrectLookupParameters(gettext("A filter is not valid."))
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:
            # A date hierarchy's year beyond a C long, or a year 1 date before the first UTC date: Django catches
            # only the ValueError of a date that does not exist. The admin then shows the list without filters.
            raise IncorrectLookupParameters(error) from error

    def history_view(self, request, object_id, extra_context=None):
        # simple-history looks the object up without Django's get_object(), which refuses a malformed id.
        if not is_valid_key(self.model._meta.pk, unquote(object_id)):
            raise Http404
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        history_key = getattr(self.model, self.model._meta.simple_history_manager_attribute).model._meta.pk
        if not (is_valid_key(self.model._meta.pk, unquote(object_id)) and is_valid_key(history_key, version_id)):
            raise Http404
        if request.method == "POST" and self.revert_disabled(request):
            # simple-history hides the Revert button but still saves a POST: an old version is only read here.
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


class HardenedInlineMixin(KeyCheckedFormfieldsMixin):
    """An inline takes at most its max_num rows (INLINE_MAX_NUM when it sets none), more answer a form error.

    Django builds, validates and redisplays up to max_num + 1000 rows: a 150-byte POST made a 5 MB page.
    """

    def get_max_num(self, request, obj=None, **kwargs):
        max_num = super().get_max_num(request, obj, **kwargs)
        return INLINE_MAX_NUM if max_num is None else max_num

    def get_formset(self, request, obj=None, **kwargs):
        max_num = self.get_max_num(request, obj, **kwargs)
        kwargs.setdefault("absolute_max", max_num)
        kwargs.setdefault("validate_max", True)
        return super().get_formset(request, obj, **kwargs)


class InolinkAdminSite(admin.AdminSite):
    """The project's admin site (settings: inolink.apps.InolinkAdminConfig): every ModelAdmin registered on it,
    the packages' included, is given HardenedAdminMixin, and its inlines HardenedInlineMixin."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        hardened = type(
            admin_class.__name__,
            (HardenedAdminMixin, admin_class),
            {
                "__module__": admin_class.__module__,
                "__doc__": admin_class.__doc__,
                "inlines": [
                    type(inline.__name__, (HardenedInlineMixin, inline), {"__module__": inline.__module__})
                    for inline in admin_class.inlines
                ],
            },
        )
        return super().register(model_or_iterable, hardened, **options)
