from django.urls import path

from servicehall.cases import views, visit_views

app_name = "cases"

urlpatterns = [
    path("visits/", visit_views.register, name="visits"),
    path("visits/summary/", visit_views.summary, name="visits_summary"),
    path("visits/export/", visit_views.export, name="visits_export"),
    path("cases/new/", views.intake, name="intake"),
    path("cases/mine/", views.mine, name="mine"),
    path("cases/agency/", visit_views.agency_ledger, name="agency_ledger"),
    path("cases/window/<str:code>/<id:number>/", views.window_cases, name="window"),
    path("cases/center/<str:code>/", views.center_cases, name="center_cases"),
    path("cases/<str:number>/", views.case_page, name="case"),
    path("cases/<str:number>/notices/<id:notice_id>.pdf", views.notice_pdf, name="notice"),
    path("cases/<str:number>/<str:action>/", views.case_action, name="action"),
    path("supervision/<str:code>/", views.supervision, name="supervision"),
    path("q/", views.look_up, name="look_up"),
]
