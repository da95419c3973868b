"""docket search: the same search as /api/search/, from the command line."""

import json
import re

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table
from rich.text import Text

from docket.search.api import result_data
from docket.search.engine import SORTS, SearchParams, search

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


class Command(BaseCommand):
    help = 'Search documents: words, "phrases", AND OR NOT, customer:… type:… date:…'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="*", help="the query, as typed in the search box")
        parser.add_argument("--as-user", default="", help="search as this user (their access)")
        parser.add_argument("--customer", default="", help="a customer's name, code or pinyin")
        parser.add_argument("--type", default="", help="a document type's name or code")
        parser.add_argument("--tag", default="")
        parser.add_argument("--sort", choices=SORTS, default="relevance")
        parser.add_argument("--page", type=int, default=1)
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--literal", action="store_true", help="do not read names as filters")
        parser.add_argument("--json", action="store_true", help="print the API's JSON")

    def handle(self, *args: object, **options: object) -> None:
        user = _user(str(options["as_user"]))
        q = " ".join(options["query"])
        for name in ("customer", "type", "tag"):
            if value := str(options[name]):
                q += f' {name}:"{value}"'
        params = SearchParams(
            q=q,
            sort=str(options["sort"]),
            page=max(1, int(options["page"])),
            page_size=min(max(1, int(options["limit"])), 100),
            understand=not options["literal"],
        )
        result = search(user=user, params=params)
        data = result_data(result, {"page": params.page, "page_size": params.page_size})
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return
        _print(data)


def _user(username: str):  # noqa: ANN202 (a user model instance)
    users = get_user_model().objects
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        return user
    admins = list(users.filter(is_superuser=True, is_active=True)[:2])
    if len(admins) != 1:
        raise CommandError("say whose access to search with: --as-user USERNAME")
    return admins[0]


def _rich(html_text: str) -> Text:
    import html

    text = Text()
    last = 0
    for match in _MARK.finditer(html_text):
        text.append(html.unescape(html_text[last : match.start()]))
        text.append(html.unescape(match.group(1)), style="bold yellow")
        last = match.end()
    text.append(html.unescape(html_text[last:]))
    return text


def _print(data: dict) -> None:
    console = Console()
    for notice in data["notices"]:
        console.print(f"[dim]note: {notice}[/dim]")
    for item in data["understood"]:
        console.print(f"[dim]understood {item['text']!r} as {item['kind']}[/dim]")
    more = "" if data["count_exact"] else "+"
    console.print(f"{data['count']}{more} documents")
    table = Table(show_lines=True)
    for column in ("archive number", "title", "customer", "type", "date", "snippet"):
        table.add_column(column)
    for hit in data["results"]:
        table.add_row(
            hit["archive_number"],
            _rich(hit["title_html"]),
            hit["customer"]["name"],
            hit["document_type"],
            str(hit["document_date"] or hit["created_at"][:10]),
            _rich(hit["snippet_html"]),
        )
    console.print(table)
