from django.urls import path

from inspections.views import imports, sources
from inspections.views import pages as views

urlpatterns = [
    path("inspections/import/", imports.import_start, name="import_start"),
    path("inspections/import/review/", imports.import_preview, name="import_preview"),
    path("inspections/<id:pk>/", views.inspection_detail, name="inspection_detail"),
    path("sources/new/", sources.source_create, name="source_create"),
    path(
        "inspections/<id:pk>/recommendations/new/",
        sources.recommendation_create,
        name="recommendation_create",
    ),
]
