import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clusters.models import Cluster, LabelAward, LabelLevel
from clusters.tests.factories import ClusterFactory, LabelAwardFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def days(n):
    return datetime.timedelta(days=n)


def test_current_label_is_the_highest_valid_award():
    cluster = ClusterFactory()
    LabelAwardFactory(cluster=cluster, level=LabelLevel.BRONZE)
    LabelAwardFactory(cluster=cluster, level=LabelLevel.SILVER, awarded_on=TODAY - days(5))
    LabelAwardFactory(cluster=cluster, level=LabelLevel.GOLD, awarded_on=TODAY - days(900), valid_until=TODAY - days(1))
    assert Cluster.objects.with_current_label().get(pk=cluster.pk).current_label == LabelLevel.SILVER
    assert ClusterFactory().current_label_level is None
    assert Cluster.objects.get(pk=cluster.pk).current_label_level == LabelLevel.SILVER


def test_expired_and_future_awards_do_not_count():
    cluster = ClusterFactory()
    LabelAwardFactory(cluster=cluster, awarded_on=TODAY - days(800), valid_until=TODAY - days(70))
    LabelAwardFactory(cluster=cluster, awarded_on=TODAY + days(10), valid_until=TODAY + days(700))
    assert Cluster.objects.get(pk=cluster.pk).current_label_level is None


def test_label_valid_until_before_award_is_refused():
    award = LabelAward(cluster=ClusterFactory(), level=LabelLevel.BRONZE, awarded_on=TODAY, valid_until=TODAY - days(1))
    with pytest.raises(ValidationError) as error:
        award.full_clean()
    assert "valid_until" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        award.save()


def test_cluster_changes_are_kept_in_history():
    cluster = ClusterFactory(name="Old name")
    cluster.name = "New name"
    cluster.save()
    assert [h.name for h in cluster.history.order_by("history_date")] == ["Old name", "New name"]


def test_only_its_managers_manage_a_cluster():
    from django.contrib.auth.models import AnonymousUser

    from accounts.tests.factories import UserFactory

    manager, other = UserFactory(), UserFactory()
    cluster = ClusterFactory()
    cluster.managers.add(manager)
    ClusterFactory().managers.add(other)
    assert cluster.is_managed_by(manager)
    assert not cluster.is_managed_by(other)
    assert not cluster.is_managed_by(AnonymousUser())
    assert not cluster.is_managed_by(None)
