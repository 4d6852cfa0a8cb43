from django.urls import path

from servicehall.workdays import views

app_name = "workdays"

urlpatterns = [
    path("", views.index, name="index"),
    path("schedules/", views.schedule_page, name="schedules"),
    path("schedules/<id:pk>/", views.schedule_detail, name="schedule_detail"),
    path("<str:code>/<id:year>/", views.year_page, name="year"),
    path("<str:code>/day/<str:date>/", views.day_panel, name="day"),
    path("<str:code>/day/<str:date>/correct/", views.day_correct, name="correct"),
    path("<str:code>/closures/", views.closure_add, name="closure_add"),
    path("<str:code>/closures/<id:pk>/void/", views.closure_void, name="closure_void"),
]
