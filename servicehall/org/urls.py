from django.urls import path

from servicehall.org import account_views, setup_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", account_views.accounts_page, name="accounts"),
    path("accounts/<str:username>/<str:action>/", account_views.account_action, name="account_action"),
    path("setup/centers/new/", setup_views.center_new, name="center_new"),
    path("setup/centers/<str:code>/", setup_views.center_setup, name="center_setup"),
]
