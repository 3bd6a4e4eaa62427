"""The staff's exports (and imports) of admin lists, and the page of their long exports.

An export of up to ``settings.EXPORT_ROWS_AT_ONCE`` rows is built while the browser waits; a longer one is
recorded and built by a worker (exports/services.py), and staff download it from "My exports" when it is ready:
fifty thousand rows take longer to write than a page request may last.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportMixin
from import_export.forms import ImportForm, SelectableFieldsExportForm

from .formats import CSV, XLSX
from .models import ExportFile
from .services import BUILD_IN_THIS_REQUEST, export_file_request


class FormatNamesMixin:
    """Formats named as people know them, "XLSX" and "CSV" (the package shows tablib's "xlsx"; the import's
    script still matches a file's extension to them, whatever their case)."""

    def _init_formats(self, formats):
        super()._init_formats(formats)
        self.fields["format"].choices = [(value, label.upper()) for value, label in self.fields["format"].choices]


class ColumnExportForm(FormatNamesMixin, SelectableFieldsExportForm):
    """The export's column choices labelled with the columns' translated names only (the package adds the
    attribute's name in English: "Starts At (starts)")."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return capfirst(field.column_name) if field and field.column_name else field_name


class ExportListMixin(ExportMixin):
    """Staff export the list as they filtered and searched it, to XLSX or CSV (django-import-export).

    The columns are the ``resource_classes``' (``<app>/resources.py``). A filter the list refuses (a tampered
    value) sends staff back to the list with Django's "invalid filter" notice rather than failing the export.
    """

    formats = [XLSX, CSV]
    export_form_class = ColumnExportForm
    to_encoding = "utf-8-sig"  # a spreadsheet opening the CSV reads it as UTF-8 (Lithuanian letters)

    def get_export_queryset(self, request):
        if any("\x00" in key + value for key, value in request.GET.items()):
            raise IncorrectLookupParameters(gettext("A filter is not valid."))
        try:
            return super().get_export_queryset(request)
        except OverflowError as error:  # as in HardenedAdminMixin.get_changelist_instance
            raise IncorrectLookupParameters(error) from error

    def get_data_for_export(self, request, queryset, **kwargs):
        # The package hands native numbers and dates only to its own binary formats, recognised by their exact
        # class; this XLSX is binary too, so hours, counts and times stay cells a spreadsheet sums and sorts.
        export_form = kwargs.get("export_form")
        if export_form is not None and export_form.is_valid():
            chosen = self.get_export_formats()[int(export_form.cleaned_data["format"])]
            kwargs["force_native_type"] = chosen().is_binary()
        return super().get_data_for_export(request, queryset, **kwargs)

    def export_action(self, request):
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            opts = self.model._meta
            return HttpResponseRedirect(
                f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_changelist')}?{ERROR_FLAG}=1"
            )

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        if export_form is None or getattr(request, BUILD_IN_THIS_REQUEST, False):
            return super()._do_file_export(file_format, request, queryset, export_form=export_form)
        rows = queryset.count()
        if rows <= settings.EXPORT_ROWS_AT_ONCE:
            return super()._do_file_export(file_format, request, queryset, export_form=export_form)
        export_file_request(
            request=request,
            model=self.model,
            file_name=self.get_export_filename(request, queryset, file_format),
            rows=rows,
        )
        self.message_user(
            request,
            ngettext(
                "%(rows)d row is more than an export builds while you wait: the file is being prepared and will "
                "be listed here, ready to download, in a minute or two.",
                "%(rows)d rows are more than an export builds while you wait: the file is being prepared and will "
                "be listed here, ready to download, in a minute or two.",
                rows,
            )
            % {"rows": rows},
            messages.INFO,
        )
        return HttpResponseRedirect(reverse("admin:exports_exportfile_changelist"))

    def get_export_filename(self, request, queryset, file_format):
        name = slugify(str(self.model._meta.verbose_name_plural)) or self.model._meta.model_name
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"


class FormatNamedImportForm(FormatNamesMixin, ImportForm):
    pass


class ImportExportListMixin(ImportMixin, ExportListMixin):
    """``ExportListMixin`` and an import with a preview: nothing is written until staff confirm a file without
    errors (django-import-export's confirm step)."""

    formats = [XLSX, CSV]
    import_form_class = FormatNamedImportForm
    # Both buttons over the list (the import mixin, first in the bases, would show only its own).
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"

    def process_import(self, request, **kwargs):
        # The confirm step's hidden fields come back from the browser: the package turns "format" and "resource"
        # into list indexes and "import_file_name" into a file to read without checking them first.
        data = request.POST
        formats, resources = self.get_import_formats(), self.get_import_resource_classes(request)
        valid = (
            _index_below(data.get("format", ""), len(formats))
            and (data.get("resource", "") == "" or _index_below(data.get("resource", ""), len(resources)))
            and "\x00" not in data.get("import_file_name", "")
        )
        if valid:
            try:
                return super().process_import(request, **kwargs)
            except (OSError, ValueError):
                pass  # the uploaded file is gone or unreadable (the preview read it: it expired or was tampered)
        self.message_user(request, gettext("The file to import is no longer there: upload it again."), messages.ERROR)
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))


def _index_below(value: str, length: int) -> bool:
    return value.isascii() and value.isdigit() and int(value) < length


# The page refreshes itself while a file is being prepared.
REFRESH_SECONDS = 5


@admin.register(ExportFile)
class ExportFileAdmin(admin.ModelAdmin):
    """Each staff member's own long exports: their state and, when built, the file to download."""

    list_display = ["file", "status", "rows", "requested_at"]
    list_display_links = None
    list_filter = ["status"]
    fields = ["file", "status", "rows", "requested_at", "finished_at"]
    readonly_fields = fields
    change_list_template = "admin/exports/exportfile/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).of(request.user).defer("content", "form_data")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"), ordering="file_name")
    def file(self, export):
        if export.status != ExportFile.Status.READY:
            return export.file_name
        return format_html('<a href="{}" download>{}</a>', export.get_download_url(), export.file_name)

    def changelist_view(self, request, extra_context=None):
        preparing = self.get_queryset(request).filter(status=ExportFile.Status.QUEUED).exists()
        extra_context = {
            "title": capfirst(ExportFile._meta.verbose_name_plural),
            "refresh_seconds": REFRESH_SECONDS if preparing else None,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        download = path(
            "<int:export_id>/download/",
            self.admin_site.admin_view(self.download_view),
            name="exports_exportfile_download",
        )
        return [download, *super().get_urls()]

    def download_view(self, request, export_id):
        if not self.has_view_permission(request):
            raise Http404
        export = get_object_or_404(ExportFile.objects.of(request.user), pk=export_id, status=ExportFile.Status.READY)
        response = HttpResponse(bytes(export.content), content_type=export.content_type)
        response["Content-Disposition"] = content_disposition_header(True, export.file_name)
        return response
