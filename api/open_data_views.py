"""Open data at stable addresses, for anyone: JSON and CSV, cached briefly and served with their licence."""

import csv
import io
import json

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from exports.formats import marked_as_text

from . import open_data

DATASETS = {
    "clusters": (open_data.registry_clusters, open_data.registry_csv_rows),
    "results": (open_data.results, open_data.results_csv_rows),
}


def _payload(name: str) -> dict:
    """The dataset in the request's language, built at most once per OPEN_DATA_CACHE_SECONDS (per process, or in
    Redis when DJANGO_CACHE_URL is set)."""

    def build():
        rows = DATASETS[name][0]()
        return {"generated_at": timezone.now(), "rows": rows}

    return cache.get_or_set(f"open-data:{name}:{get_language()}", build, settings.OPEN_DATA_CACHE_SECONDS)


def _cached(response):
    patch_cache_control(response, public=True, max_age=settings.OPEN_DATA_CACHE_SECONDS)
    response["Link"] = f'<{open_data.LICENCE["url"]}>; rel="license"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def index(request):
    """What is published here, where, and under which licence."""
    datasets = [
        {
            "name": name,
            "json": request.build_absolute_uri(reverse(f"open-data-{name}-json")),
            "csv": request.build_absolute_uri(reverse(f"open-data-{name}-csv")),
        }
        for name in DATASETS
    ]
    return _cached(
        JsonResponse({"publisher": open_data.PUBLISHER, "licence": open_data.licence(), "datasets": datasets})
    )


def dataset_json(name):
    @require_GET
    def view(request):
        payload = _payload(name)
        body = {
            "publisher": open_data.PUBLISHER,
            "licence": open_data.licence(),
            "generated_at": payload["generated_at"],
            name if name == "clusters" else "programmes": payload["rows"],
        }
        return _cached(
            HttpResponse(json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False), content_type="application/json")
        )

    view.__name__ = f"{name}_json"
    return view


def dataset_csv(name):
    @require_GET
    def view(request):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in DATASETS[name][1](_payload(name)["rows"]):
            writer.writerow(["" if value is None else marked_as_text(value) for value in row])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="inolink-{name}.csv"'
        return _cached(response)

    view.__name__ = f"{name}_csv"
    return view
