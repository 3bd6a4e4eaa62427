from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import staff_required
from agreements.label_projection import programme_clusters
from clusters.services import benchmarking_plan
from inolink.http import query_without_page
from inolink.tables import STAFF, TableSpec, build_tables, get_table_spec

from . import selectors
from .exports import XLSX_CONTENT_TYPE, table_csv, workbook_bytes
from .forms import BenchmarkingPlanForm, ReportFilterForm
from .todo import staff_todo

TABLE_PAGE_ROWS = 50


def _filters(request) -> ReportFilterForm:
    date_from, date_to = ReportFilterForm.default_period()
    return ReportFilterForm(request.GET or None, initial={"date_from": date_from, "date_to": date_to})


def _filename(stem: str, scope, extension: str) -> str:
    cluster = f"-cluster{scope.cluster.pk}" if scope.cluster else ""
    return f"inolink-{stem}{cluster}-{scope.date_from.isoformat()}-{scope.date_to.isoformat()}.{extension}"


def _staff_table_spec(key: str) -> TableSpec:
    try:
        spec = get_table_spec(key)
    except KeyError:
        raise Http404 from None
    if STAFF not in spec.audiences:
        raise Http404
    return spec


@staff_required
def dashboard(request):
    form = _filters(request)
    scope = form.scope()
    context = {
        "form": form,
        "scope": scope,
        "query": query_without_page(request),
        "todo": staff_todo(),
        **selectors.dashboard(scope),
    }
    return render(request, "reports/dashboard.html", context)


@staff_required
def planner(request):
    """The label planner: every programme cluster on one timeline, the KPI projected, and a form to plan."""
    programme = selectors.planner_programme(request.GET.get("programme"))
    if programme is None:
        raise Http404
    sort = request.GET.get("sort") if request.GET.get("sort") in selectors.PLANNER_SORTS else "risk"
    form = BenchmarkingPlanForm(request.POST or None, clusters=programme_clusters(programme, on=timezone.localdate()))
    if request.method == "POST" and form.is_valid():
        try:
            benchmarking = benchmarking_plan(
                cluster=form.cleaned_data["cluster"],
                kind=form.cleaned_data["kind"],
                month=form.cleaned_data["month"],
                expert=form.cleaned_data["expert"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Planned: %(benchmarking)s.") % {"benchmarking": benchmarking})
            return redirect(f"{reverse('reports:planner')}?programme={programme.pk}&sort={sort}")
    context = {
        **selectors.planner(programme, sort=sort),
        "programmes": selectors.planner_programmes(),
        "plan_form": form,
    }
    return render(request, "reports/planner.html", context)


def _pace_sort(request) -> str:
    """The sort asked for, when it is one of ``selectors.PACE_SORTS``; else the clusters behind first."""
    sort = request.GET.get("sort")
    return sort if sort in selectors.PACE_SORTS else "behind"


@staff_required
def hours_pace_latest(request):
    """The navigation's link: the programme chosen (``?programme=``), else the latest one."""
    programme = selectors.planner_programme(request.GET.get("programme"))
    if programme is None:
        raise Http404
    return redirect(f"{reverse('reports:hours-pace', args=[programme.pk])}?sort={_pace_sort(request)}")


@staff_required
def hours_pace(request, pk: int):
    """Who is behind: every programme cluster's hours against the time its agreement has run, and the chart."""
    programme = selectors.planner_programmes().filter(pk=pk).first()
    if programme is None:
        raise Http404
    context = {
        **selectors.hours_pace(programme, sort=_pace_sort(request)),
        "programmes": selectors.planner_programmes(),
    }
    return render(request, "reports/hours_pace.html", context)


@staff_required
def table_page(request, key: str):
    spec = _staff_table_spec(key)
    form = _filters(request)
    scope = form.scope()
    table = spec.build(scope)
    page = Paginator(table.rows, TABLE_PAGE_ROWS).get_page(request.GET.get("page"))
    context = {"form": form, "scope": scope, "query": query_without_page(request), "table": table, "page": page}
    return render(request, "reports/table.html", context)


def _refused(request, form: ReportFilterForm, table_title: str = ""):
    """A download whose filter is invalid answers with the page's own messages (400), never with the default
    calendar year as if the filter had been read."""
    context = {"form": form, "query": query_without_page(request), "table_title": table_title}
    return render(request, "reports/download_refused.html", context, status=400)


@staff_required
def table_download(request, key: str, fmt: str):
    spec = _staff_table_spec(key)
    form = _filters(request)
    if form.is_bound and not form.is_valid():
        return _refused(request, form, str(spec.title))
    scope = form.scope()
    table = spec.build(scope)
    if fmt == "csv":
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(workbook_bytes([table], title=table.title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(key, scope, fmt)}"'
    return response


@staff_required
def workbook_download(request):
    form = _filters(request)
    if form.is_bound and not form.is_valid():
        return _refused(request, form)
    scope = form.scope()
    tables = build_tables(scope, STAFF)
    response = HttpResponse(workbook_bytes(tables, title=_("InoLink programme report")), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("report", scope, "xlsx")}"'
    return response
