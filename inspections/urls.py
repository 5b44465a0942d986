from django.urls import path

from inspections.views import imports
from inspections.views import pages as views

urlpatterns = [
    path("inspections/import/", imports.import_start, name="import_start"),
    path("inspections/import/review/", imports.import_preview, name="import_preview"),
    path("inspections/<id:pk>/", views.inspection_detail, name="inspection_detail"),
]
