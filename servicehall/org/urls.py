from django.urls import path

from servicehall.org import views

urlpatterns = [path("", views.home, name="home")]
