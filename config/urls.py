from django.contrib import admin
from django.urls import include, path

from config.api import api
from servicehall.core import converters

converters.register()  # <id:...>: an id every database can hold, before the apps' URLs are read

admin.site.site_header = "便民服务中心综合管理平台"
admin.site.site_title = "系统配置"
admin.site.index_title = "系统配置"

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("servicehall.core.urls")),
    path("", include("servicehall.org.urls")),
    path("", include("servicehall.catalog.urls")),
    path("", include("servicehall.public.urls")),
    path("tickets/", include("servicehall.tickets.urls")),
    path("workdays/", include("servicehall.workdays.urls")),
    path("", include("servicehall.cases.urls")),
    path("", include("servicehall.parallel.urls")),
    path("", include("servicehall.complaints.urls")),
    path("", include("servicehall.ratings.urls")),
    path("", include("servicehall.duty.urls")),
    path("", include("servicehall.training.urls")),
    path("", include("servicehall.assessment.urls")),
]

# The product's own pages for refusals and errors (templates/400.html … 500.html).
handler400 = "servicehall.core.errorpages.bad_request"
handler403 = "servicehall.core.errorpages.permission_denied"
handler404 = "servicehall.core.errorpages.page_not_found"
handler500 = "servicehall.core.errorpages.server_error"
