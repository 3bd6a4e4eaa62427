import datetime
import re

from celery.schedules import ParseException
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_celery_beat.admin import CrontabScheduleAdmin
from django_celery_beat.models import CrontabSchedule

from .models import OutgoingMessage
from .registry import all_kinds, get_kind
from .services import messages_retry

# A service's dedup key ends in the moment it was made ("requested-20261204T135011.735952"); staff read the words
# and the moment in Vilnius time ("requested 2026-12-04 15:50").
_STAMP = re.compile(r"(\d{8}T\d{4}(?:\d{2})?)(?:\.\d+)?")
_WORD_HYPHEN = re.compile(r"(?<=[A-Za-z])-(?=[A-Za-z0-9])")


def occasion_text(occasion: str) -> str:
    """An occasion key as words and a readable moment; the key itself stays searchable and on the detail page."""

    def moment(match):
        try:
            pattern = "%Y%m%dT%H%M%S" if len(match[1]) == 15 else "%Y%m%dT%H%M"
            stamp = datetime.datetime.strptime(match[1], pattern).replace(tzinfo=datetime.UTC)
        except ValueError:
            return match[0]
        return f"{timezone.localtime(stamp):%Y-%m-%d %H:%M}"

    return _WORD_HYPHEN.sub(" ", _STAMP.sub(moment, occasion))


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.key, str(kind)) for kind in all_kinds()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    list_display = [
        "status_badge",
        "kind_label",
        "recipient_email",
        "occasion_display",
        "attempts",
        "error_excerpt",
        "created_at",
    ]
    list_display_links = ["kind_label"]
    list_filter = ["status", KindFilter, "language", "created_at"]
    search_fields = ["recipient_email", "occasion", "subject", "last_error"]
    list_select_related = ["content_type"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    readonly_fields = [
        "kind",
        "content_type",
        "object_id",
        "about_link",
        "recipient",
        "recipient_email",
        "language",
        "occasion",
        "context",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "subject",
        "created_at",
        "sent_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj):
        try:
            return str(get_kind(obj.kind))
        except LookupError:
            return obj.kind

    class Media:
        css = {"all": ["notifications/admin.css"]}

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        # The word is always shown; the colour only repeats it (no inline styles: CSP-ready).
        return format_html('<span class="msg-status msg-status-{}">{}</span>', obj.status, obj.get_status_display())

    @admin.display(description=_("occasion"), ordering="occasion")
    def occasion_display(self, obj):
        return occasion_text(obj.occasion)

    @admin.display(description=_("last error"))
    def error_excerpt(self, obj):
        return Truncator(obj.last_error).chars(80) if obj.last_error else "–"

    @admin.display(description=_("about"))
    def about_link(self, obj):
        about = obj.about
        if about is None:
            return _("(deleted)")
        if hasattr(about, "get_absolute_url"):
            return format_html('<a href="{}">{}</a>', about.get_absolute_url(), about)
        return str(about)

    @admin.action(description=_("Send the selected failed or skipped messages again"))
    def retry(self, request, queryset):
        count = messages_retry(ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count) % {"count": count},
            messages.SUCCESS,
        )


admin.site.unregister(CrontabSchedule)


@admin.register(CrontabSchedule)
class CheckedCrontabScheduleAdmin(CrontabScheduleAdmin):
    """The package's crontab admin, whose description of a refused schedule (minute -1) is left empty.

    The form redisplays the instance with the refused value, and celery's parser raises ParseException (not the
    ValueError the package catches) while describing it: a typo answered 500 instead of the field's error.
    """

    fields = tuple("description" if name == "human_readable" else name for name in CrontabScheduleAdmin.fields)
    readonly_fields = ["description"]

    @admin.display(description=_("Human readable"))
    def description(self, schedule):
        try:
            return schedule.human_readable
        except ParseException:
            return ""
