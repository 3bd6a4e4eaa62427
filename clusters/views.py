from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from inolink.panels import panels_for

from .permissions import get_cluster_for
from .selectors import cluster_detail


@login_required
def cluster_detail_view(request, pk):
    cluster = cluster_detail(get_cluster_for(request.user, pk).pk)
    return render(
        request,
        "clusters/cluster_detail.html",
        {
            "cluster": cluster,
            # The cluster's agreements and events come from the apps above this one (inolink.panels).
            "side_panels": panels_for("clusters.cluster_detail.side", request, cluster),
            "main_panels": panels_for("clusters.cluster_detail.main", request, cluster),
        },
    )


@login_required
@require_POST
def cluster_switch(request):
    """A manager of several clusters picks the one they are working on."""
    cluster = get_cluster_for(request.user, request.POST.get("cluster"))
    request.session["current_cluster_id"] = cluster.pk
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("home")
    # Not redirect(): it would read a next value without a slash or a dot ("NaN") as a URL name to reverse.
    return HttpResponseRedirect(next_url)
