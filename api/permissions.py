"""Who may read and change what through the API: each query set comes from the permission function the pages use.

A token acts as its person: a cluster manager's sees their clusters' data, an expert's their own sessions, staff's
what staff see in the pages and the administration. A system's token (no person) reads as staff and changes nothing.
"""

from rest_framework import permissions

from .models import ApiToken


def is_system(request) -> bool:
    return isinstance(request.auth, ApiToken) and request.auth.is_system


class ApiAccess(permissions.BasePermission):
    """Reading needs a signed-in person or a token; changing needs a staff person on a view that allows it
    (``writable = True``), never a system's token."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return getattr(view, "writable", False) and user.is_staff and not is_system(request)
