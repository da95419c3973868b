from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from docket.access.api import GrantViewSet, MemberViewSet, RoleViewSet, TeamViewSet, share_view
from docket.core.tasks_api import task_detail
from docket.customers.api import CustomerViewSet
from docket.documents.api import DocumentTypeViewSet, DocumentViewSet, TagViewSet, TrashViewSet
from docket.ingest.api import IngestJobViewSet
from docket.ingest.rules_api import MatchRuleViewSet
from docket.search.api import SavedSearchViewSet, search_view, similar_view

router = DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("documents", DocumentViewSet, basename="document")
router.register("trash", TrashViewSet, basename="trash")
router.register("document-types", DocumentTypeViewSet, basename="document-type")
router.register("tags", TagViewSet, basename="tag")
router.register("ingest", IngestJobViewSet, basename="ingest")
router.register("rules", MatchRuleViewSet, basename="rule")
router.register("search/saved", SavedSearchViewSet, basename="saved-search")
router.register("access/roles", RoleViewSet, basename="role")
router.register("access/teams", TeamViewSet, basename="team")
router.register("access/members", MemberViewSet, basename="member")
router.register("access/grants", GrantViewSet, basename="grant")

urlpatterns = [
    path("api/documents/<int:pk>/share/", share_view, name="document-share"),
    path("api/search/", search_view, name="search"),
    path("api/search/similar/", similar_view, name="search-similar"),
    path("api/audit/", include("docket.audit.urls")),
    path("api/auth/", include("docket.accounts.urls")),
    path("api/", include(router.urls)),
    path("api/tasks/<str:task_id>/", task_detail, name="task-detail"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api-auth/", include("rest_framework.urls")),
    path("admin/", admin.site.urls),
    path("", include("docket.web.urls")),
]

handler404 = "docket.core.views.page_not_found"
handler500 = "docket.core.views.server_error"
