from .roles import roles_for


def navigation(request):
    """Expose the person's roles so the layout shows each role what it can do."""
    return {"roles": roles_for(request)}
