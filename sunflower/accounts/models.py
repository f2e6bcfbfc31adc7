"""Users, their agency memberships (role per agency) and added duties."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunflower.accounts.roles import Duty, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. E-mail is the login; there is no separate user name."""

    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Django admin access; the policy grants it to HMIS administrators only.
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # The HUD User.csv row this person's HMIS records carry as UserID (made on first write).
    hmis_user = models.OneToOneField(
        "hmis.HmisUser", on_delete=models.SET_NULL, null=True, blank=True, related_name="account"
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


class Membership(models.Model):
    """A user's role at one agency (an HMIS Organization). A user may belong to several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        "hmis.Organization", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__email", "organization__organization_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="accounts_membership_one_role_per_agency"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="accounts_membership_valid_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} at {self.organization}"


class DutyAssignment(models.Model):
    """An added duty: CES regional coordinator (for one region, or every region when blank) or
    member of a committee (e.g. the HMIS Oversight Committee)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="duties")
    duty = models.CharField(_("duty"), max_length=32, choices=Duty.choices)
    region = models.ForeignKey(
        "geo.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    committee = models.CharField(_("committee"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__email", "duty"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duty__in=Duty.values), name="accounts_duty_valid_duty"
            ),
        ]

    def __str__(self) -> str:
        where = self.region or self.committee or _("all regions")
        return f"{self.user} - {self.get_duty_display()} ({where})"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # The policy caches a user's duties for a request; a new or changed duty resets it.
        self.user.__dict__.pop("_sunflower_duties", None)

    def covers(self, obj) -> bool:
        """Whether this duty reaches `obj` (a Region, or anything carrying a `region`)."""
        if self.duty == Duty.COMMITTEE_MEMBER:
            return True
        if self.region_id is None:
            return True
        region_id = getattr(obj, "region_id", None)
        if region_id is None and obj.__class__.__name__ == "Region":
            region_id = obj.pk
        return region_id == self.region_id


__all__ = ["Duty", "DutyAssignment", "Membership", "Role", "User", "UserManager"]
