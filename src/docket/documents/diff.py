"""What changed between two versions' text: a unified diff (the UI shows it side by side)."""

import difflib
from dataclasses import dataclass

from django.utils.translation import gettext_noop as _

from docket.core.errors import Conflict, NotFound
from docket.core.notices import Notice
from docket.documents.models import Document, Version


@dataclass(frozen=True)
class VersionDiff:
    from_number: int
    to_number: int
    unified: str
    added_lines: int
    removed_lines: int
    identical: bool


def version_diff(*, document: Document, from_number: int, to_number: int) -> VersionDiff:
    versions = {v.number: v for v in document.versions.filter(number__in=[from_number, to_number])}
    for number in (from_number, to_number):
        if number not in versions:
            raise NotFound(
                Notice(
                    _("document %(archive_number)s has no version %(number)s"),
                    archive_number=document.archive_number,
                    number=number,
                )
            )
        state = versions[number].text_state
        if state == Version.TextState.PENDING:
            raise Conflict(
                Notice(
                    _("the text of version %(number)s is still being extracted; try shortly"),
                    number=number,
                )
            )
        if state == Version.TextState.FAILED:
            raise Conflict(
                Notice(_("the text of version %(number)s could not be extracted"), number=number)
            )
        if state == Version.TextState.NONE:
            raise Conflict(
                Notice(
                    _("version %(number)s (%(type)s) has no text to compare yet"),
                    number=number,
                    type=versions[number].mime_type,
                )
            )
    old, new = versions[from_number], versions[to_number]
    lines = list(
        difflib.unified_diff(
            old.text.splitlines(),
            new.text.splitlines(),
            fromfile=f"v{from_number}",
            tofile=f"v{to_number}",
            lineterm="",
        )
    )
    body = [line for line in lines if not line.startswith(("---", "+++"))]
    return VersionDiff(
        from_number=from_number,
        to_number=to_number,
        unified="\n".join(lines),
        added_lines=sum(1 for line in body if line.startswith("+")),
        removed_lines=sum(1 for line in body if line.startswith("-")),
        identical=old.sha256 == new.sha256 or old.text == new.text,
    )
