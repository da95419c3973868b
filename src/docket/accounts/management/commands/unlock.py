"""docket unlock USERNAME | --address IP: lift a login lockout or an address's throttle."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from docket.accounts.services import account_unlock
from docket.core.errors import DocketError


class Command(BaseCommand):
    help = "Unlock an account locked after failed logins (or an address that was throttled)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", default="")
        parser.add_argument("--address", default="", help="a client IP address instead")

    def handle(self, *args: object, **options: Any) -> None:
        username, address = options["username"], options["address"]
        try:
            cleared = account_unlock(actor=None, username=username, ip=address)
        except DocketError as error:
            raise CommandError(error.message) from error
        what = f"account {username!r}" if username else f"address {address}"
        self.stdout.write(f"Unlocked {what} ({cleared} failed logins forgotten).")
