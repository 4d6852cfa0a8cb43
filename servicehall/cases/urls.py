from django.urls import path

from servicehall.cases import visit_views

app_name = "cases"

urlpatterns = [
    path("visits/", visit_views.register, name="visits"),
    path("visits/summary/", visit_views.summary, name="visits_summary"),
    path("visits/export/", visit_views.export, name="visits_export"),
]
