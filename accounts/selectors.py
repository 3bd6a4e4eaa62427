from .models import User


def active_staff():
    """Programme staff who can sign in: the people staff notices and reports go to."""
    return User.objects.filter(is_staff=True, is_active=True).order_by("pk")
