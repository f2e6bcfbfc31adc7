from django.contrib import admin

from sunflower.accounts.admin_site import PolicyAdminMixin
from sunflower.consent.models import SharingRule


@admin.register(SharingRule)
class SharingRuleAdmin(PolicyAdminMixin, admin.ModelAdmin):
    """HMIS administrators set each CoC's rule as the CoC board decides it."""

    list_display = ["coc_code", "level", "updated_at"]
    search_fields = ["coc_code"]
