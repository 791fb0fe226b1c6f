from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vandong.accounts"
    label = "accounts"
    verbose_name = "Users and roles"
