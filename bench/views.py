from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines

from clusters.models import Cluster

FLOOR_TEMPLATE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<p>{{ clusters }}</p>{% endblock %}'
)


@login_required
def floor(request):
    """The floor: same middleware, session and base template as every page, one query of its own."""
    return HttpResponse(FLOOR_TEMPLATE.render({"clusters": Cluster.objects.count()}, request))
