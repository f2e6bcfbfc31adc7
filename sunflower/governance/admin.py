"""The HMIS team schedules End User Committee meetings, with agenda and notes, in the admin.
Program requests and votes are decided on their pages, through the actions."""

from django.contrib import admin

from .models import EndUserMeeting


@admin.register(EndUserMeeting)
class EndUserMeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "place"]
