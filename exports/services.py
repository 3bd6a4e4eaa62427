"""Long admin-list exports: recorded while the person waits a moment, built by a worker through the list's own
admin (the same filters, columns and permission checks as an export built at once), downloaded when ready."""

import logging
from functools import partial
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from .models import ExportFile

logger = logging.getLogger(__name__)

# Set on a request whose export is built in it, whatever its length (the worker's replay of the export form).
BUILD_IN_THIS_REQUEST = "inolink_build_export_here"


def export_file_request(*, request, model, file_name: str, rows: int) -> ExportFile:
    """Record the export ``request`` (a POST of an admin list's export form) asks for and have a worker build it;
    the requester's files older than ``KEPT_FOR`` go."""
    from .tasks import build_export

    form_data = {key: values for key, values in request.POST.lists() if key != "csrfmiddlewaretoken"}
    with transaction.atomic():
        ExportFile.objects.of(request.user).expired().delete()
        export = ExportFile.objects.create(
            requested_by=request.user,
            list_model=ContentType.objects.get_for_model(model),
            query=request.META.get("QUERY_STRING", ""),
            form_data=form_data,
            language=translation.get_language(),
            rows=rows,
            file_name=file_name,
        )
        transaction.on_commit(partial(build_export.delay, export.pk))
    return export


def export_file_build(export_id: int) -> ExportFile | None:
    """Build a queued export as its requester would get it at once; a file built already is left as it is."""
    export = ExportFile.objects.select_related("requested_by", "list_model").filter(pk=export_id).first()
    if export is None or export.status != ExportFile.Status.QUEUED:
        return export
    try:
        response = _replay(export)
    except Exception:
        logger.exception("Export %s could not be built", export_id)
        response = None
    if response is not None and response.has_header("Content-Disposition"):
        export.content = response.content
        export.content_type = response["Content-Type"]
        export.status = ExportFile.Status.READY
    else:
        # The list refused the export now (the requester lost access, a filter no longer applies, the form changed).
        export.status = ExportFile.Status.FAILED
    export.finished_at = timezone.now()
    export.save(update_fields=["content", "content_type", "status", "finished_at"])
    return export


def _replay(export: ExportFile):
    """The export form's POST, as the requester sent it, answered by the list's admin."""
    user = export.requested_by
    if not (user.is_active and user.is_staff):
        raise PermissionDenied
    model = export.list_model.model_class()
    model_admin = admin.site.get_model_admin(model)
    path = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
    request = RequestFactory().post(
        f"{path}?{export.query}" if export.query else path,
        data=urlencode(export.form_data, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )
    request.user = user
    request._messages = CookieStorage(request)
    setattr(request, BUILD_IN_THIS_REQUEST, True)
    with translation.override(export.language):
        request.LANGUAGE_CODE = export.language
        return model_admin.export_action(request)
