from django.urls import path

from servicehall.public import views

app_name = "public"

urlpatterns = [
    path("c/<str:code>/", views.center_home, name="home"),
    path("c/<str:code>/guides/", views.guide_list, name="guides"),
    path("c/<str:code>/guides/<str:item_code>/", views.guide_detail, name="guide"),
    path("c/<str:code>/guides/<str:item_code>/samples/<str:material_code>", views.sample, name="sample"),
    path("c/<str:code>/staff/", views.staff_board, name="staff"),
    path("c/<str:code>/staff/<id:staff_id>/photo", views.staff_photo, name="staff_photo"),
    path("c/<str:code>/screen/", views.hall_screen, name="screen"),
]
