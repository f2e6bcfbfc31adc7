from django.contrib import admin

from sunflower.geo.models import ContinuumOfCare, County, Region


@admin.register(ContinuumOfCare)
class ContinuumOfCareAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "served"]
    search_fields = ["code", "name"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "coc", "placeholder"]
    list_filter = ["coc", "placeholder"]
    search_fields = ["name"]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["name", "fips5", "coc", "region"]
    list_filter = ["coc", "region"]
    list_editable = ["region"]
    search_fields = ["name", "fips5"]
