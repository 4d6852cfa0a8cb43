from django.urls import path

from servicehall.tickets import views

app_name = "tickets"

urlpatterns = [
    path("", views.index, name="index"),
    path("windows/<id:window_id>/", views.console, name="console"),
    path("windows/<id:window_id>/queue", views.console_queue, name="console_queue"),
    path("windows/<id:window_id>/act", views.console_act, name="console_act"),
    path("<str:code>/kiosk/", views.kiosk, name="kiosk"),
    path("<str:code>/kiosk/take", views.kiosk_take, name="kiosk_take"),
    path("<str:code>/kiosk/book", views.kiosk_book, name="kiosk_book"),
    path("<str:code>/kiosk/check-in", views.kiosk_check_in, name="kiosk_check_in"),
    path("<str:code>/slip/<id:ticket_id>/", views.slip, name="slip"),
    path("<str:code>/display/", views.display, name="display"),
    path("<str:code>/statistics/", views.statistics, name="statistics"),
    path("<str:code>/statistics.xlsx", views.statistics_export, name="statistics_export"),
    path("<str:code>/services/", views.services_page, name="services"),
    path("<str:code>/devices/", views.devices_page, name="devices"),
    path("<str:code>/devices/enrol/", views.device_enrol, name="device_enrol"),
]
