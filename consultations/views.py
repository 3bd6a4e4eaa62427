from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from agreements.selectors import current_agreement
from clusters.models import Cluster
from clusters.permissions import current_cluster_for_manager

from .models import Expert


@login_required
def dashboard(request):
    """A cluster manager's start page: their cluster's agreement and hours."""
    cluster = current_cluster_for_manager(request)
    if cluster is None:
        raise Http404
    return render(
        request,
        "consultations/dashboard.html",
        {
            "cluster": cluster,
            "managed_clusters": Cluster.objects.managed_by(request.user).order_by("name").only("pk", "name"),
            "agreement": current_agreement(cluster),
        },
    )


@login_required
def my_sessions(request):
    """An expert's start page."""
    expert = Expert.objects.filter(user=request.user).prefetch_related("service_areas").first()
    if expert is None:
        raise Http404
    return render(request, "consultations/my_sessions.html", {"expert": expert})
