"""A cluster's road to the label (clusters' rules, events' evidence) and its evidence pack for the benchmarking
interview, for the cluster's managers and staff. The page, the printable pack and the XLSX read the same
``events.evidence.cluster_evidence``; the XLSX's tables are built from it here, once."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clusters.permissions import get_cluster_for
from clusters.selectors import cluster_label_road
from events.evidence import ClusterEvidence, cluster_evidence
from inolink.tables import Column, Table

from .exports import XLSX_CONTENT_TYPE, workbook_bytes


def evidence_tables(evidence: ClusterEvidence) -> list[Table]:
    """The evidence pack as tables: a summary per area, the sessions and the event results."""
    summary = Table(
        key="evidence-areas",
        title=_("Indicator areas"),
        columns=[
            Column("area", _("Indicator area")),
            Column("sessions", _("Sessions"), "int", total=True),
            Column("hours", _("Hours delivered"), "hours", total=True),
            Column("events", _("Event results"), "int", total=True),
            Column("thin", _("Thin"), "bool"),
        ],
        rows=[(str(a.area), len(a.sessions), a.hours, len(a.events), a.thin) for a in evidence.areas],
        notes=evidence.thin_rule,
    )
    sessions = Table(
        key="evidence-sessions",
        title=_("Sessions"),
        columns=[
            Column("area", _("Indicator area")),
            Column("date", _("Date"), "date"),
            Column("expert", _("Expert")),
            Column("service_area", _("Service area")),
            Column("topic", _("Topic")),
            Column("hours", _("Hours delivered"), "hours"),
            Column("hours_logged", _("Hours logged"), "hours"),
            Column("summary", _("Outcome summary")),
        ],
        rows=[
            (str(a.area), s.day, s.expert, s.service_area, s.topic, s.hours, s.hours_logged, s.summary)
            for a in evidence.areas
            for s in a.sessions
        ],
    )
    events = Table(
        key="evidence-events",
        title=_("Event results"),
        columns=[
            Column("area", _("Indicator area")),
            Column("date", _("Date"), "date"),
            Column("event", _("Event or funding call")),
            Column("result", _("Result")),
        ],
        rows=[(str(a.area), e.day, e.title, e.result) for a in evidence.areas for e in a.events],
    )
    return [summary, sessions, events]


@login_required
@require_GET
def cluster_road(request, pk):
    """The road to the label: label and until when, eligibility, the next step, the evidence and the thin areas."""
    cluster = get_cluster_for(request.user, pk)
    context = {"road": cluster_label_road(cluster), "evidence": cluster_evidence(cluster), "cluster": cluster}
    return render(request, "reports/cluster_road.html", context)


@login_required
@require_GET
def evidence_pack(request, pk):
    """The evidence pack, printable (a print stylesheet)."""
    cluster = get_cluster_for(request.user, pk)
    context = {"cluster": cluster, "evidence": cluster_evidence(cluster), "today": timezone.localdate()}
    return render(request, "reports/evidence_pack.html", context)


@login_required
@require_GET
def evidence_pack_xlsx(request, pk):
    cluster = get_cluster_for(request.user, pk)
    title = _("Evidence pack: %(cluster)s") % {"cluster": cluster.name}
    response = HttpResponse(
        workbook_bytes(evidence_tables(cluster_evidence(cluster)), title=title), content_type=XLSX_CONTENT_TYPE
    )
    filename = f"inolink-evidence-cluster{cluster.pk}-{timezone.localdate().isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
