"""Recomputing the chain: `verify_chain` walks every event in seq order, a batch at a time (a
million events never sit in memory at once), and stops at the first broken link.

For each event, in this order:
1. its seq is the one expected (1, 2, 3 …) — else events are missing (a sequence gap);
2. its prev_hash is the hash of the event before — else the order was changed (the prev_hash
   names another event) or the link is broken;
3. its hash is sha256(prev_hash + canonical content) — else its content was altered (the next
   event, or the anchor, still links to the stored hash) or its stored hash is wrong (a forged
   or re-hashed event).
Then the anchor (AuditHead) must name the last event: it catches the newest events deleted and
events appended around the service.

The verifier takes no lock (it must not stop the application for the length of a walk): it
reads the highest seq first and the anchor second. Every append moves the anchor in its own
transaction, so an event committed by Docket after the first read is at or before the anchor,
and anything beyond the anchor was not written by Docket.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Max

from docket.audit.chain import CANONICAL_FIELDS, chain_hash, row_values
from docket.audit.models import GENESIS_HASH, AuditEvent, AuditHead

__all__ = ["Break", "VerifyReport", "verify_chain"]

BATCH_SIZE = 5000


@dataclass(frozen=True)
class Break:
    seq: int
    problem: str  # content altered | event missing | order changed | hash mismatch | …
    detail: str

    def __str__(self) -> str:
        return f"audit trail broken at seq {self.seq}: {self.problem}: {self.detail}"


@dataclass(frozen=True)
class VerifyReport:
    events: int  # how many events were checked and found sound
    broken: Break | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify_chain(
    *, batch_size: int = BATCH_SIZE, progress: Callable[[int], None] | None = None
) -> VerifyReport:
    top = AuditEvent.objects.aggregate(top=Max("seq"))["top"] or 0
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    limit = max(top, head[0] if head else 0)
    expected, running, checked = 1, GENESIS_HASH, 0
    fields = (*CANONICAL_FIELDS, "hash")
    while expected <= limit:
        # A batch is a window of seqs on the primary key, an index range scan whatever the
        # planner's statistics say. The first window has no lower bound, so that a row forged
        # below seq 1 shows up too.
        window_end = min(expected + batch_size - 1, limit)
        window = AuditEvent.objects.filter(seq__lte=window_end)
        if checked:
            window = window.filter(seq__gte=expected)
        for row in window.order_by("seq").values_list(*fields):
            values, stored = row_values(row[:-1]), row[-1]
            broken = _check(values, stored, expected, running, head)
            if broken:
                return VerifyReport(checked, broken)
            expected, running, checked = expected + 1, stored, checked + 1
        if expected <= window_end:  # the window ended early: a gap, or the end of the trail
            later = AuditEvent.objects.filter(seq__gt=window_end, seq__lte=limit)
            next_seq = later.order_by("seq").values_list("seq", flat=True).first()
            if next_seq is None:
                break
            return VerifyReport(checked, _gap(expected, next_seq))
        if progress:
            progress(checked)
    return VerifyReport(checked, _check_anchor(head, checked, running))


def _check(
    values: dict, stored: str, expected: int, running: str, head: tuple[int, str] | None
) -> Break | None:
    seq = values["seq"]
    if seq < expected:
        return Break(seq, "event not appended by Docket", "seqs start at 1")
    if seq != expected:
        return _gap(expected, seq)
    if values["prev_hash"] != running:
        return _broken_link(seq, values["prev_hash"])
    if chain_hash(values) != stored:
        nxt = AuditEvent.objects.filter(seq__gt=seq).order_by("seq").values_list("prev_hash")
        successor = nxt.first()
        linked = successor[0] if successor else (head[1] if head and head[0] == seq else None)
        if linked == stored:
            return Break(seq, "content altered", "the event no longer matches its hash")
        return Break(
            seq,
            "hash mismatch",
            "its stored hash is not the hash of its content (a forged or re-hashed event)",
        )
    return None


def _gap(expected: int, found: int) -> Break:
    missing = f"seq {expected}" if found == expected + 1 else f"seqs {expected}–{found - 1}"
    return Break(expected, "event missing", f"sequence gap: no {missing} (next is {found})")


def _broken_link(seq: int, prev_hash: str) -> Break:
    if prev_hash == GENESIS_HASH:
        return Break(seq, "order changed", "it claims to be the first event")
    before = AuditEvent.objects.filter(hash=prev_hash).values_list("seq", flat=True).first()
    if before is not None:
        return Break(
            seq,
            "order changed",
            f"it was chained after the event now at seq {before}, not after seq {seq - 1}",
        )
    return Break(seq, "hash mismatch", f"its prev_hash is not the hash of seq {seq - 1}")


def _check_anchor(head: tuple[int, str] | None, last: int, running: str) -> Break | None:
    if head is None:
        if last == 0:
            return None
        return Break(last, "anchor missing", "the audit head row is gone")
    head_seq, head_hash = head
    if head_seq > last:
        return Break(
            last + 1,
            "event missing",
            f"the trail ends at seq {last} but the anchor records seq {head_seq}",
        )
    if head_seq < last:
        return Break(
            head_seq + 1,
            "event not appended by Docket",
            f"events after seq {head_seq} are beyond the anchor (forged or written around it)",
        )
    if head_hash != running:
        return Break(last, "hash mismatch", "the anchor records another hash for this event")
    return None
