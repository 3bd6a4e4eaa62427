"""What the consultations app shows on lower apps' pages (see ``inolink.panels``)."""

from inolink.panels import Panel, register_panel

from .selectors import allocations_with_usage

register_panel(
    Panel(
        slot="agreements.agreement_detail.side",
        template="consultations/panels/agreement_hours.html",
        context=lambda request, agreement: {"allocations": allocations_with_usage().filter(agreement=agreement)},
    )
)
