"""What changed between two versions' text: a unified diff (the UI shows it side by side)."""

import difflib
from dataclasses import dataclass

from docket.core.errors import Conflict, NotFound
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
            raise NotFound(f"document {document.archive_number} has no version {number}")
        state = versions[number].text_state
        if state == Version.TextState.PENDING:
            raise Conflict(f"the text of version {number} is still being extracted; try shortly")
        if state == Version.TextState.FAILED:
            raise Conflict(f"the text of version {number} could not be extracted")
        if state == Version.TextState.NONE:
            raise Conflict(
                f"version {number} ({versions[number].mime_type}) has no text to compare yet"
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
