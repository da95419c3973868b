from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "docket.accounts"
    label = "accounts"
    verbose_name = "Accounts and sign-in"
