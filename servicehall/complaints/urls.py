from django.urls import path

from servicehall.complaints import views

app_name = "complaints"

urlpatterns = [
    path("complaints/<str:code>/", views.board, name="board"),
    path("complaints/<str:code>/book/", views.book, name="book"),
    path("complaints/<str:code>/book.xlsx", views.book_xlsx, name="book_xlsx"),
    path("complaints/<str:code>/new/", views.register, name="register"),
    path("complaints/<str:code>/box/", views.box, name="box"),
    path("complaints/<str:code>/first-inquiry/", views.failures, name="failures"),
    path("complaint/<str:number>/", views.complaint, name="complaint"),
    path("complaint/<str:number>/<str:action>/", views.complaint_action, name="action"),
    path("complaint-explanations/<id:explanation_id>/", views.explanation, name="explanation"),
    path("c/<str:code>/complaint/", views.public_form, name="public_form"),
    path("complaint-q/", views.look_up, name="look_up"),
]
