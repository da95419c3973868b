from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "docket.customers"
    label = "customers"
    verbose_name = "Customers"
