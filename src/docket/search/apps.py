from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "docket.search"
    label = "search"
