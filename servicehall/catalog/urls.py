from django.urls import path

from servicehall.catalog import views

app_name = "catalog"

urlpatterns = [
    path("catalog/<str:code>/", views.item_list, name="items"),
    path("catalog/<str:code>/new/", views.item_new, name="new"),
    path("catalog/<str:code>/export.xlsx", views.export, name="export"),
    path("catalog/<str:code>/import/", views.import_view, name="import"),
    path("catalog/<str:code>/items/<str:item_code>/", views.item_edit, name="edit"),
    path("catalog/<str:code>/items/<str:item_code>/void/", views.item_void, name="void"),
    path("catalog/<str:code>/items/<str:item_code>/history/", views.history, name="history"),
    path(
        "catalog/<str:code>/items/<str:item_code>/history/<id:number>/", views.version_view, name="version"
    ),
]
