"""The cached agreement in force follows the agreements table."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .actions import forget_agreement_in_force
from .models import UserAgreement


@receiver([post_save, post_delete], sender=UserAgreement)
def _agreement_changed(sender, **kwargs):
    forget_agreement_in_force()
