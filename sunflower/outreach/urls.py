from django.urls import path

from sunflower.outreach import views

app_name = "outreach"

urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("map/data/", views.map_data, name="map_data"),
    path("counties/", views.county_counts, name="county_counts"),
    path("map/counties.geojson", views.county_shapes, name="county_shapes"),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/<int:pk>/correct/", views.contact_correct, name="contact_correct"),
    path("contacts/<int:pk>/link/", views.contact_link, name="contact_link"),
    path("encampments/", views.encampments, name="encampments"),
    path("encampments/<int:pk>/", views.encampment, name="encampment"),
    path("encampments/<int:pk>/edit/", views.encampment_edit, name="encampment_edit"),
    path("encampments/<int:pk>/visit/", views.encampment_visit, name="encampment_visit"),
]
