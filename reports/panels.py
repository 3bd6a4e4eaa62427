"""What the reports app shows on lower apps' pages (see ``inolink.panels``)."""

from clusters.selectors import cluster_label_road
from inolink.panels import Panel, register_panel

# The cluster page links to its road to the label (no query: the link is all).
register_panel(
    Panel(
        slot="clusters.cluster_detail.side",
        template="reports/panels/cluster_road_link.html",
        context=lambda request, cluster: {"cluster": cluster},
        position=5,
    )
)

# The manager's start page sums up the label held and the next step, with the link to the road.
register_panel(
    Panel(
        slot="consultations.dashboard.main",
        template="reports/panels/dashboard_road.html",
        context=lambda request, cluster: {"cluster": cluster, "road": cluster_label_road(cluster)},
    )
)
