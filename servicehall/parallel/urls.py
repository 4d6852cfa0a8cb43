app_name = "parallel"

urlpatterns: list = []
