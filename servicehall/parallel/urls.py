from django.urls import path

from servicehall.parallel import views

app_name = "parallel"

urlpatterns = [
    path("parallel/cases/<str:number>/", views.case_page, name="case"),
    path("parallel/cases/<str:number>/decision.pdf", views.decision_pdf, name="decision"),
    path("parallel/cases/<str:number>/<str:action>/", views.case_action, name="action"),
]
