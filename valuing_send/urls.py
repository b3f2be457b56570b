from django.urls import include, path

urlpatterns = [
    path("", include("valuing_send.home.urls")),
    path("", include("valuing_send.core.urls")),
    path("", include("valuing_send.authorities.urls")),
    path("", include("valuing_send.register.urls")),
    path("", include("valuing_send.audit.urls")),
    path("", include("assessments.urls")),
    path("", include("panels.urls")),
    path("", include("valuing_send.indicators.urls")),
    path("", include("valuing_send.documents.urls")),
]

handler400 = "valuing_send.core.errors.bad_request"
handler403 = "valuing_send.core.errors.permission_denied"
handler404 = "valuing_send.core.errors.page_not_found"
handler500 = "valuing_send.core.errors.server_error"
