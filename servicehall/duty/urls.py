from django.urls import path

from servicehall.duty import views

app_name = "duty"

urlpatterns = [
    path("duty/attendance/mine/", views.my_attendance, name="my_attendance"),
    path("duty/<slug:code>/roster/", views.roster, name="roster"),
    path("duty/<slug:code>/roster/xlsx/", views.roster_xlsx, name="roster_xlsx"),
    path("duty/leave/", views.leave_list, name="leave_list"),
    path("duty/leave/<id:leave_id>/", views.leave_detail, name="leave_detail"),
    path("duty/<slug:code>/clock-ins/", views.clock_import, name="clock_import"),
    path("duty/clock-ins/template.xlsx", views.clock_template, name="clock_template"),
    path("duty/<slug:code>/attendance/", views.attendance, name="attendance"),
    path("duty/<slug:code>/attendance/xlsx/", views.attendance_xlsx, name="attendance_xlsx"),
    path("duty/staff/<str:username>/attendance/", views.person_attendance, name="person_attendance"),
    path(
        "duty/staff/<str:username>/attendance/xlsx/",
        views.person_attendance_xlsx,
        name="person_attendance_xlsx",
    ),
]
