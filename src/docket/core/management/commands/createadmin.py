"""docket createadmin: an administrator account, printed so it can be used at once. The
password must meet the password policy (docket.accounts.services.password_check)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from docket.accounts.services import password_check
from docket.core.errors import DocketError


class Command(BaseCommand):
    help = "Create an administrator (superuser) account."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--if-missing", action="store_true", help="do nothing if it exists")

    def handle(
        self,
        *args: object,
        username: str,
        password: str,
        email: str,
        if_missing: bool,
        **options: object,
    ) -> None:
        users = get_user_model()
        if users.objects.filter(username=username).exists():
            if if_missing:
                self.stdout.write(f"Administrator {username!r} already exists.")
                return
            raise CommandError(f"a user named {username!r} already exists")
        try:
            password_check(password, user=users(username=username, email=email))
        except DocketError as error:
            raise CommandError(f"password refused: {error.message}") from error
        users.objects.create_superuser(username=username, email=email, password=password)
        self.stdout.write(f"Created administrator {username!r} (password: {password}).")
