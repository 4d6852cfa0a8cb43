from django.urls import path

from servicehall.training import views

app_name = "training"

urlpatterns = [
    path("training/mine/", views.mine, name="mine"),
    path("training/<str:code>/", views.center, name="center"),
    path("training/<str:code>/sessions/<id:session_id>/", views.session, name="session"),
]
