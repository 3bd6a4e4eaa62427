from .models import Agreement


def agreements_listed(*, cluster=None, programme=None):
    """Agreements with their programme, cluster and signatures (for the status), newest first; two queries.

    The hours used under them are the consultations app's (``consultations.selectors.agreements_with_usage``).
    """
    agreements = Agreement.objects.select_related("programme", "cluster").prefetch_related("signatures")
    if cluster is not None:
        agreements = agreements.filter(cluster=cluster)
    if programme is not None:
        agreements = agreements.filter(programme=programme)
    return agreements.order_by("-starts_on")
