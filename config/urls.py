from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from inbox import health

urlpatterns = [
    path("api/whatsapp/webhook/", include("webhook.urls")),
    path("api/whatsapp/", include("inbox.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon, the admin's among them.
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("inbox.urls")),
]
