from django.urls import include, path

from servicehall.core import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("audit/", views.audit_view, name="audit"),
    path("i18n/", include("django.conf.urls.i18n")),
]
