from django.urls import path

from servicehall.ratings import appraisal_views, hotline_views, views

app_name = "ratings"

urlpatterns = [
    path("ratings/windows/<id:window_id>/device/", views.device, name="device"),
    path("ratings/devices/enrol/", views.device_enrol, name="enrol"),
    path("ratings/<str:code>/devices/", views.devices_page, name="devices"),
    path("ratings/<str:code>/revisits/", views.revisits, name="revisits"),
    path("ratings/<str:code>/revisits/summary/", views.summary, name="summary"),
    path("ratings/<str:code>/revisits/summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("ratings/<str:code>/satisfaction/", views.satisfaction, name="satisfaction"),
    path("ratings/<str:code>/appraisals/", views.public_appraisals, name="appraisals"),
    path("r/<str:token>/", views.rate, name="rate"),
    path("r/<str:token>/qr.svg", views.qr, name="qr"),
    path("ratings/<str:code>/hotline/", hotline_views.hotline, name="hotline"),
    path(
        "ratings/<str:code>/hotline/<id:order_id>/complete/",
        hotline_views.hotline_complete,
        name="hotline_complete",
    ),
    path("ratings/<str:code>/hotline/samples/", hotline_views.samples, name="samples"),
    path(
        "ratings/<str:code>/ratings/<id:rating_id>/malicious/",
        hotline_views.mark_malicious,
        name="malicious",
    ),
]

urlpatterns += [
    path("ratings/<str:code>/appraisal/", appraisal_views.appraisals, name="appraisal_list"),
    path("ratings/<str:code>/appraisal/<id:appraisal_id>/", appraisal_views.appraisal, name="appraisal"),
    path(
        "ratings/<str:code>/appraisal/<id:appraisal_id>/codes/", appraisal_views.codes, name="appraisal_codes"
    ),
    path(
        "ratings/<str:code>/appraisal/<id:appraisal_id>/onsite/",
        appraisal_views.onsite,
        name="appraisal_onsite",
    ),
    path(
        "ratings/<str:code>/appraisal/<id:appraisal_id>/publish/",
        appraisal_views.publish,
        name="appraisal_publish",
    ),
    path("ratings/<str:code>/peer/", appraisal_views.peer, name="peer"),
    path("ratings/<str:code>/questionnaire/", appraisal_views.questionnaire, name="questionnaire"),
    path(
        "ratings/<str:code>/questionnaire/qr.svg", appraisal_views.questionnaire_qr, name="questionnaire_qr"
    ),
]
