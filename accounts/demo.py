"""Demo accounts: one per role, all with the password ``inolink-demo``."""

from .models import User

DEMO_PASSWORD = "inolink-demo"


def demo_user(email, **fields) -> User:
    """The demo account with this email, created with the demo password if it does not exist."""
    user, created = User.objects.get_or_create(email=email, defaults=fields)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def load() -> dict:
    return {
        "staff": demo_user(
            "staff@example.com",
            first_name="Rasa",
            last_name="Programme Officer",
            is_staff=True,
            is_superuser=True,
            staff_party=User.StaffParty.AGENCY,
        ),
        # No stored language: a person trying the demo reads it in the language they signed in with, until they
        # choose one with the switch.
        "manager": demo_user("manager@example.com", first_name="Ieva", last_name="Cluster Manager"),
        "expert": demo_user("expert@example.com", first_name="Tomas", last_name="Expert"),
    }
