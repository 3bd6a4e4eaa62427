from django.db.models import Prefetch

from .models import Agreement, HourAllocation


def agreements_with_usage(*, cluster=None, programme=None):
    """Agreements with signatures and hour usage per service area, in three queries whatever the count."""
    agreements = Agreement.objects.select_related("programme", "cluster").prefetch_related(
        "signatures",
        Prefetch(
            "allocations",
            queryset=HourAllocation.objects.with_usage()
            .select_related("service_area")
            .order_by("service_area__position"),
        ),
    )
    if cluster is not None:
        agreements = agreements.filter(cluster=cluster)
    if programme is not None:
        agreements = agreements.filter(programme=programme)
    return agreements.order_by("-starts_on")


def current_agreement(cluster):
    """The agreement a cluster's pages show, with usage: the one its new bookings draw on
    (``Agreement.objects.booking_for``), else its newest live one (say, a draft awaiting signatures), or None.

    Its cluster is the one asked about and the manager's pages showing it do not name the programme, so neither
    is joined in.
    """
    agreements = agreements_with_usage(cluster=cluster).select_related(None)
    booking = agreements.filter(pk__in=Agreement.objects.booking_for(cluster).values("pk")).first()
    return booking or agreements.live().first()
