from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        # Compared as lower case through the unique index on Lower("email"): on SQLite ``iexact`` is a LIKE, which a
        # long enough address (the admin's sign-in field has no length check) turns into "pattern too complex".
        return self.alias(email_lower=Lower("email")).get(email_lower=email.lower())


class User(AbstractUser):
    """A person who signs in with their email address.

    Roles: programme staff (``is_staff``, from the agency or the partner),
    cluster manager (linked to clusters through ``Cluster.managers``) and
    expert (an ``consultations.Expert`` profile). One person may hold several.
    """

    class StaffParty(models.TextChoices):
        AGENCY = "agency", _("Agency (MITA)")
        PARTNER = "partner", _("Partner (Lithuanian Innovation Center)")

    username = None
    email = models.EmailField(_("email"), unique=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    staff_party = models.CharField(
        _("programme party"),
        max_length=20,
        choices=StaffParty.choices,
        blank=True,
        help_text=_("For programme staff: the party they work for."),
    )
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Used for the pages after sign-in and for emails. Empty means Lithuanian."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.display_name(self.first_name, self.last_name, self.email)

    @staticmethod
    def display_name(first_name: str, last_name: str, email: str) -> str:
        """A person's name as pages show it, also for rows read as values (a filter's long list of experts)."""
        return f"{first_name} {last_name}".strip() or email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def preferred_language(self) -> str:
        return self.language or settings.LANGUAGE_CODE
