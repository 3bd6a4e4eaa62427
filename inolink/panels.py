"""Panels: what higher apps show on a lower app's page.

A lower app never imports a higher one (``inolink/tests/test_import_graph.py`` holds them to it), yet some of its
pages show what higher apps keep about its object: a cluster's page (clusters) lists its agreements (agreements)
and its events (events); an agreement's page (agreements) shows the hours used under it (consultations). The page
names a slot and its view asks for the slot's panels; each higher app registers its panel in ``<app>/panels.py``,
which ``InolinkConfig.ready`` imports::

    from inolink.panels import Panel, register_panel

    register_panel(
        Panel(
            slot="clusters.cluster_detail.side",  # the page, and where on it
            template="agreements/panels/cluster_agreements.html",
            # A selector's rows for the object, read by the page's view: a fixed number of queries.
            context=lambda request, cluster: {"agreements": agreements_listed(cluster=cluster)},
            position=10,  # panels of a slot show in this order
        )
    )

The view passes ``panels_for(slot, request, obj)`` to its template, which renders each panel with
``{% render_panel panel %}`` (``inolink_panels``).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    slot: str
    template: str
    context: Callable[[Any, Any], dict]
    position: int = 100


@dataclass(frozen=True)
class FilledPanel:
    """A panel with its data, ready for ``{% render_panel %}``."""

    template: str
    context: dict


_panels: dict[str, list[Panel]] = defaultdict(list)


def register_panel(panel: Panel) -> Panel:
    slot = _panels[panel.slot]
    if panel not in slot:
        slot.append(panel)
        slot.sort(key=lambda registered: registered.position)
    return panel


def panels_for(slot: str, request, obj) -> list[FilledPanel]:
    """The slot's panels in order, each with its data for ``obj`` as ``request.user`` may see it."""
    return [FilledPanel(panel.template, panel.context(request, obj)) for panel in _panels[slot]]
