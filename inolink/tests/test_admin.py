"""The shared admin pieces give the same markup as Django's own."""

import pytest
from django.contrib import admin

from clusters.models import Cluster
from clusters.tests.factories import ClusterFactory
from inolink.admin import PlainActionCheckboxMixin

pytestmark = pytest.mark.django_db


def test_plain_action_checkbox_is_the_checkbox_django_renders():
    cluster = ClusterFactory(name='Tom & "Jerry" <b>')
    model_admin = admin.site._registry[Cluster]
    assert isinstance(model_admin, PlainActionCheckboxMixin)
    assert model_admin.action_checkbox(cluster) == admin.ModelAdmin.action_checkbox(model_admin, cluster)
