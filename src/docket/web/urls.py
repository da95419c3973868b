"""The web UI's pages. The API lives under /api/ (docket.urls)."""

from django.urls import path

from docket.web.views import (
    administration,
    auth,
    customer_new,
    customer_picker,
    customers,
    dashboard,
    document_page,
    document_trash,
    documents,
    upload,
)

app_name = "web"

urlpatterns = [
    path("", dashboard.dashboard_view, name="dashboard"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("2fa/", auth.two_factor_view, name="two-factor"),
    path("language/", auth.language_view, name="language"),
    path("documents/", documents.documents_view, name="documents"),
    *document_page.urlpatterns,
    *document_trash.urlpatterns,
    *customers.urlpatterns,
    *customer_new.urlpatterns,
    *customer_picker.urlpatterns,
    *upload.urlpatterns,
    *administration.urlpatterns,
]
