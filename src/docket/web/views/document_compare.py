"""Two versions of a document side by side: the text of the one on the left with its removed
lines and words marked, the other on the right with its added ones. The diff itself is
docket.documents.diff.version_diff (as the API's diff/); this module lays its unified output
out in two columns. A Chinese character is a word of its own here; a number or a Latin word
is one, so ¥128,000.00 → ¥150,000.00 marks the whole amount."""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from docket.access.models import Permission
from docket.core.errors import Conflict, DocketError
from docket.documents.diff import version_diff
from docket.documents.models import Version
from docket.web.errors import message_for


class CompareForm(forms.Form):
    old = forms.TypedChoiceField(label=gettext_lazy("Compare version"), coerce=int)
    new = forms.TypedChoiceField(label=gettext_lazy("with version"), coerce=int)

    def __init__(self, *args: Any, versions: list[Version], **kw: Any) -> None:
        super().__init__(*args, auto_id="compare-%s", **kw)
        choices = [(v.number, version_label(v)) for v in versions]
        self.fields["old"].choices = self.fields["new"].choices = choices

    @classmethod
    def for_page(cls, versions: list[Version]) -> "CompareForm | None":
        """The newest version against the one before it (versions come newest first)."""
        if len(versions) < 2:
            return None
        initial = {"old": versions[1].number, "new": versions[0].number}
        return cls(versions=versions, initial=initial)


def version_label(version: Version) -> str:
    day = timezone.localtime(version.created_at).strftime("%Y-%m-%d")
    return _("Version %(number)s (%(day)s)") % {"number": version.number, "day": day}


@login_required
def compare_view(request: HttpRequest, document_id: int) -> HttpResponse:
    """Two versions' text side by side (documents.diff.version_diff, as the API's diff/)."""
    from docket.web.views.document_page import load  # that module imports this one

    document = load(request, document_id, Permission.VIEW)
    if isinstance(document, HttpResponse):
        return document
    versions = list(document.versions.select_related("author").defer("text").order_by("-number"))
    context: dict[str, Any] = {"section": "documents", "document": document}
    if len(versions) < 2:
        context["error"] = _("This document has only one version.")
        return render(request, "web/document/compare.html", context)
    # Without a choice: the newest version against the one before it.
    chosen = request.GET or {"old": versions[1].number, "new": versions[0].number}
    form = context["form"] = CompareForm(chosen, versions=versions)
    if not form.is_valid():
        return render(request, "web/document/compare.html", context, status=400)
    old, new = form.cleaned_data["old"], form.cleaned_data["new"]
    by_number = {v.number: v for v in versions}
    context |= {"old": by_number[old], "new": by_number[new]}
    try:
        diff = version_diff(document=document, from_number=old, to_number=new)
    except DocketError as error:
        context["error"] = _not_comparable(error, [by_number[old], by_number[new]])
        return render(request, "web/document/compare.html", context, status=error.status_code)
    context |= {"diff": diff, "rows": side_by_side(diff.unified)}
    return render(request, "web/document/compare.html", context)


def _not_comparable(error: DocketError, versions: list[Version]) -> str:
    """The service refused (Conflict) because a text is not there: say which, and why."""
    if isinstance(error, Conflict):
        for version in versions:
            values = {"number": version.number}
            if version.text_state == Version.TextState.PENDING:
                return (
                    _("The text of version %(number)s is still being read. Try again in a moment.")
                    % values
                )
            if version.text_state == Version.TextState.FAILED:
                return _("The text of version %(number)s could not be read.") % values
            if version.text_state == Version.TextState.NONE:
                return _("Version %(number)s has no text to compare.") % values
    return message_for(error)


TOKEN = re.compile(r"[¥$￥]?\d[\d,.]*|[A-Za-z]+|\s+|.", re.S)
HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


@dataclass
class Side:
    number: int | None = None
    kind: str = "empty"  # same, removed, added, empty
    parts: list[tuple[str, bool]] = field(default_factory=list)  # (text, changed)


@dataclass
class Row:
    left: Side = field(default_factory=Side)
    right: Side = field(default_factory=Side)
    gap: bool = False  # lines left out between two changes


def side_by_side(unified: str) -> list[Row]:
    rows: list[Row] = []
    removed: list[tuple[int, str]] = []
    added: list[tuple[int, str]] = []
    old_number = new_number = 0
    in_hunk = False
    for line in unified.splitlines():
        if match := HUNK.match(line):
            rows += _pair(removed, added)
            old_number, new_number = int(match[1]), int(match[2])
            if rows or old_number > 1:
                rows.append(Row(gap=True))
            in_hunk = True
        elif not in_hunk or line.startswith("\\"):
            continue  # the ---/+++ header, "\ No newline at end of file"
        elif line.startswith("-"):
            removed.append((old_number, line[1:]))
            old_number += 1
        elif line.startswith("+"):
            added.append((new_number, line[1:]))
            new_number += 1
        else:
            rows += _pair(removed, added)
            text = [(line[1:], False)]
            rows.append(Row(Side(old_number, "same", text), Side(new_number, "same", text)))
            old_number, new_number = old_number + 1, new_number + 1
    rows += _pair(removed, added)
    return rows


def _pair(removed: list[tuple[int, str]], added: list[tuple[int, str]]) -> list[Row]:
    """A run of removed lines and the run of added lines after it, side by side: similar
    lines face each other with the words that differ marked; the others fill the rows
    between them."""
    rows = []
    for left, right, similar in _align(removed, added):
        row = Row()
        if left is not None:
            row.left = Side(left[0], "removed", [(left[1], False)])
        if right is not None:
            row.right = Side(right[0], "added", [(right[1], False)])
        if similar and left is not None and right is not None:
            row.left.parts, row.right.parts = mark_words(left[1], right[1])
        rows.append(row)
    removed.clear()
    added.clear()
    return rows


SIMILAR = 0.5  # two lines this alike (difflib's ratio) are one line changed
ALIGN_LIMIT = 100 * 100  # bigger runs are paired line by line: aligning costs n x m ratios
Line = tuple[int, str]


def _align(removed: list[Line], added: list[Line]) -> list[tuple[Line | None, Line | None, bool]]:
    """Pair the most similar lines in order (a longest-common-subsequence over lines that
    are at least SIMILAR), so an inserted line does not shift every pair after it."""
    n, m = len(removed), len(added)
    if n * m == 0 or n * m > ALIGN_LIMIT:
        return [(_at(removed, k), _at(added, k), True) for k in range(max(n, m))]
    similarity = [[_similarity(r[1], a[1]) for a in added] for r in removed]
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best = max(score[i - 1][j], score[i][j - 1])
            if similarity[i - 1][j - 1] >= SIMILAR:
                best = max(best, score[i - 1][j - 1] + similarity[i - 1][j - 1])
            score[i][j] = best
    anchors, i, j = [], n, m
    while i and j:
        here = similarity[i - 1][j - 1]
        if here >= SIMILAR and score[i][j] == score[i - 1][j - 1] + here:
            anchors.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif score[i - 1][j] >= score[i][j - 1]:
            i -= 1
        else:
            j -= 1
    out: list[tuple[Line | None, Line | None, bool]] = []
    i = j = 0
    for anchor_i, anchor_j in [*reversed(anchors), (n, m)]:
        lefts, rights = removed[i:anchor_i], added[j:anchor_j]
        out += [(_at(lefts, k), _at(rights, k), False) for k in range(max(len(lefts), len(rights)))]
        if anchor_i < n:
            out.append((removed[anchor_i], added[anchor_j], True))
        i, j = anchor_i + 1, anchor_j + 1
    return out


def _at(lines: list[Line], index: int) -> Line | None:
    return lines[index] if index < len(lines) else None


def _similarity(old: str, new: str) -> float:
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def mark_words(old: str, new: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    left: list[tuple[str, bool]] = []
    right: list[tuple[str, bool]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        _append(left, "".join(a[i1:i2]), tag != "equal")
        _append(right, "".join(b[j1:j2]), tag != "equal")
    return left, right


def _append(parts: list[tuple[str, bool]], text: str, changed: bool) -> None:
    if not text:
        return
    if parts and parts[-1][1] == changed:
        parts[-1] = (parts[-1][0] + text, changed)
    else:
        parts.append((text, changed))


urlpatterns = [
    path("documents/<int:document_id>/compare/", compare_view, name="document-compare"),
]
