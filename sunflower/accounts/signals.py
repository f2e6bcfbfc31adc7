"""Memberships edited in the admin keep the admin flags in step, like grant_role does."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sunflower.accounts.actions import sync_admin_flags
from sunflower.accounts.models import Membership


@receiver([post_save, post_delete], sender=Membership, dispatch_uid="sunflower_membership_flags")
def on_membership_change(sender, instance, **kwargs):
    sync_admin_flags(instance.user)
