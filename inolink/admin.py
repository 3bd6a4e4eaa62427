"""Admin pieces the apps' staff screens share."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils.html import format_html
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
