from django.urls import path
from rest_framework.routers import SimpleRouter

from docket.accounts import api

router = SimpleRouter()
router.register("tokens", api.ApiTokenViewSet, basename="auth-token")

urlpatterns = [
    path("login/", api.login_view, name="auth-login"),
    path("token/", api.token_view, name="api-token"),
    path("logout/", api.logout_view, name="auth-logout"),
    path("logout-everywhere/", api.logout_everywhere_view, name="auth-logout-everywhere"),
    path("2fa/setup/", api.two_factor_setup_view, name="auth-2fa-setup"),
    path("2fa/confirm/", api.two_factor_confirm_view, name="auth-2fa-confirm"),
    path("unlock/", api.unlock_view, name="auth-unlock"),
    *router.urls,
]
