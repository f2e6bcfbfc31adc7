"""Placeholder until its pages land (issue 5)."""

urlpatterns: list = []
