"""What the agreements app shows on lower apps' pages (see ``inolink.panels``)."""

from inolink.panels import Panel, register_panel

from .selectors import agreements_listed

register_panel(
    Panel(
        slot="clusters.cluster_detail.side",
        template="agreements/panels/cluster_agreements.html",
        context=lambda request, cluster: {"agreements": agreements_listed(cluster=cluster)},
    )
)
