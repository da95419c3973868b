from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "docket.access"
    label = "access"
    verbose_name = "Access control"
