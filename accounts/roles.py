"""What a signed-in person may do, worked out once per request."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef


@dataclass(frozen=True)
class Roles:
    is_staff: bool
    is_manager: bool
    is_expert: bool

    @property
    def has_any(self) -> bool:
        return self.is_staff or self.is_manager or self.is_expert


def _roles(user) -> Roles:
    """One query: whether the person manages a cluster and whether they are an expert.

    Both are asked through the user's reverse relations (``managed_clusters``, ``expert_profile``), so the
    accounts app, underneath the clusters and consultations apps, imports neither.
    """
    if not user.is_authenticated:
        return Roles(False, False, False)
    User = get_user_model()

    def has(relation):
        return Exists(User.objects.filter(pk=OuterRef("pk"), **{f"{relation}__isnull": False}))

    is_manager, is_expert = User.objects.filter(pk=user.pk).values_list(has("managed_clusters"), has("expert_profile"))[
        0
    ]
    return Roles(is_staff=user.is_staff, is_manager=is_manager, is_expert=is_expert)


def roles_for(request) -> Roles:
    """The roles of ``request.user``, cached on the request (one query)."""
    cached = getattr(request, "_inolink_roles", None)
    if cached is None or cached[0] is not request.user:
        cached = (request.user, _roles(request.user))
        request._inolink_roles = cached
    return cached[1]
