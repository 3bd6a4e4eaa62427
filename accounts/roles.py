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
    def roles(self) -> Roles:
        user = self.user
        if not user.is_authenticated:
            return Roles(False, False, False)
        return Roles(
            is_staff=user.is_staff,
            is_manager=user.managed_clusters.exists(),
            is_expert=get_user_model().objects.filter(pk=user.pk, expert_profile__isnull=False).exists(),
        )


def roles_for(request) -> Roles:
    """The roles of ``request.user``, cached on the request (two queries at most)."""
    cached = getattr(request, "_inolink_roles", None)
    if cached is None or cached.user is not request.user:
        cached = RequestRoles(request.user)
        request._inolink_roles = cached
    return cached.roles
