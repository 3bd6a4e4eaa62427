"""What the events app shows on lower apps' pages (see ``inolink.panels``)."""

from inolink.panels import Panel, register_panel

from .selectors import cluster_event_history, cluster_funding_intents, cluster_partnership_leads

register_panel(
    Panel(
        slot="clusters.cluster_detail.main",
        template="events/panels/cluster_events.html",
        context=lambda request, cluster: {
            "event_history": cluster_event_history(cluster),
            "partnership_leads": cluster_partnership_leads(cluster),
            "funding_intents": cluster_funding_intents(cluster),
        },
    )
)
