from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def validate_pdf_document(upload):
    """Accept only real PDF files of at most 10 MB, judged by their content, not their name."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_DOCUMENT_BYTES)},
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(position)
    # The PDF header may follow a few bytes of junk (allowed by readers), but must be near the start.
    if PDF_MAGIC not in head:
        raise ValidationError(
            _("This file is not a PDF document. Upload the signed agreement as a PDF."), code="not_pdf"
        )
