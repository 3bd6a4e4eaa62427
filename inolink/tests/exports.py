"""Test helpers for the admin's exports and imports (django-import-export, see inolink/resources.py)."""

import csv
import io

from django.urls import reverse


def export(client, model_admin_url: str, resource_class, *, file_format: str = "csv", query: str = ""):
    """POST the admin's export form of ``model_admin_url`` ("consultations_consultation") with every column
    chosen; ``query`` is the list's filter query string. Returns the response."""
    index = {"xlsx": "0", "csv": "1"}[file_format]
    data = {"format": index, "resource": "0"}
    data.update({f"{resource_class.__name__.lower()}_{name}": "on" for name in resource_class._meta.fields})
    url = reverse(f"admin:{model_admin_url}_export")
    return client.post(f"{url}?{query}" if query else url, data)


def csv_rows(response) -> list[dict]:
    """The exported CSV's rows as dictionaries by header."""
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))
