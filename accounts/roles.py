"""What a signed-in person may do, worked out once per request."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.functional import cached_property


@dataclass(frozen=True)
class Roles:
    is_staff: bool
    is_manager: bool
    is_expert: bool

    @property
    def has_any(self) -> bool:
        return self.is_staff or self.is_manager or self.is_expert


class RequestRoles:
    def __init__(self, user):
        self.user = user

    @cached_property
    def managed_clusters(self) -> list:
        """The clusters the person manages, by name (few): the navigation, the manager's pages and their
        cluster switcher all ask, so they are read once."""
        from clusters.models import Cluster

        return list(Cluster.objects.managed_by(self.user).order_by("name").only("pk", "name"))

    @cached_property
    def roles(self) -> Roles:
        user = self.user
        if not user.is_authenticated:
            return Roles(False, False, False)
        return Roles(
            is_staff=user.is_staff,
            is_manager=bool(self.managed_clusters),
            is_expert=get_user_model().objects.filter(pk=user.pk, expert_profile__isnull=False).exists(),
        )


def _request_roles(request) -> RequestRoles:
    cached = getattr(request, "_inolink_roles", None)
    if cached is None or cached.user is not request.user:
        cached = RequestRoles(request.user)
        request._inolink_roles = cached
    return cached


def roles_for(request) -> Roles:
    """The roles of ``request.user``, cached on the request (two queries at most)."""
    return _request_roles(request).roles


def managed_clusters_for(request) -> list:
    """The clusters ``request.user`` manages, ordered by name, cached on the request (one query)."""
    return _request_roles(request).managed_clusters
