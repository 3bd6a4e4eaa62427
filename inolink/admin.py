"""Admin pieces the apps' staff screens share."""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Q
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext


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
        # A value that is not a whole number (tampered, or a digit like "²" that isdigit() accepts) filters nothing.
        try:
            pk = int(self.value())
        except (TypeError, ValueError):
            return queryset
        return queryset.filter(**{self.lookup: pk})

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
