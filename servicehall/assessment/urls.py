from django.urls import path

from servicehall.assessment import views

app_name = "assessment"

urlpatterns = [
    path("assessment/mine/", views.mine, name="mine"),
    path("assessment/<str:code>/", views.month_page, name="month"),
    path("assessment/<str:code>/month.xlsx", views.month_export, name="month_export"),
    path("assessment/<str:code>/year.xlsx", views.year_export, name="year_export"),
    path("assessment/<str:code>/publish", views.publish_page, name="publish"),
    path("assessment/<str:code>/awards/", views.awards_page, name="awards"),
    path("assessment/<str:code>/awards/notice.pdf", views.awards_notice, name="awards_notice"),
    path("assessment/<str:code>/rulebook/", views.rulebook_page, name="rulebook"),
    path("assessment/<str:code>/supervision/", views.supervision_page, name="supervision"),
    path("assessment/<str:code>/conduct/", views.conduct_page, name="conduct"),
    path("assessment/staff/<str:username>/", views.person_page, name="person"),
    path("assessment/lines/<id:line_id>/appeal", views.appeal_page, name="appeal"),
    path("assessment/lines/<id:line_id>/decide", views.decide_page, name="decide"),
    path("assessment/entries/<id:entry_id>/", views.entry_page, name="entry"),
    path("assessment/<str:code>/honours/", views.public_awards, name="public_awards"),
]
