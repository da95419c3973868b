from django.urls import path

from docket.audit.api import AuditAlertList, AuditEventList, AuditExport

urlpatterns = [
    path("", AuditEventList.as_view(), name="audit-events"),
    path("export/", AuditExport.as_view(), name="audit-export"),
    path("alerts/", AuditAlertList.as_view(), name="audit-alerts"),
]
