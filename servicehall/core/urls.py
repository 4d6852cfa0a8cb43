from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from servicehall.core import views


class Favicon(RedirectView):
    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")  # at request time: the manifest is read once collected


urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico wherever a page names no icon (a PDF, a JSON answer).
    path("favicon.ico", Favicon.as_view()),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("audit/", views.audit_view, name="audit"),
    path("i18n/", include("django.conf.urls.i18n")),
]
