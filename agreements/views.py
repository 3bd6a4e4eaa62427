from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render

from inolink.panels import panels_for

from .permissions import get_agreement_for


@login_required
def agreement_detail_view(request, pk):
    agreement = get_agreement_for(request.user, pk)
    # The hours used under the agreement come from the consultations app, above this one (inolink.panels).
    side_panels = panels_for("agreements.agreement_detail.side", request, agreement)
    return render(request, "agreements/agreement_detail.html", {"agreement": agreement, "side_panels": side_panels})


@login_required
def agreement_document_view(request, pk):
    """The signed PDF, only for people who may see the agreement (media files are never public)."""
    agreement = get_agreement_for(request.user, pk)
    if not agreement.document:
        raise Http404
    return FileResponse(
        agreement.document.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=f"{agreement.number}.pdf",
    )
