"""Customer, type and tags for a job. What the submitter said wins; for the rest, in order of
trust: an e-mail address that belongs to a customer's contact, the customer's name in the text,
a person's rules, and the model learned from this installation's filed documents. Only a
suggestion at or above SUGGESTION_THRESHOLD is applied; all are kept on the job for review.

The document is filed as the job's uploader, so a customer is applied only if the uploader
may upload to it (docs/architecture.md, "Access control"); otherwise a person decides. Tags
a person chose in review (TAGS_CHOSEN) are theirs: suggestions add none to them."""

import datetime
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext_noop as _

from docket.access.models import Permission
from docket.access.rules import customers_q
from docket.core.notices import Notice
from docket.customers.models import Contact, Customer
from docket.documents.models import DocumentType, Tag
from docket.ingest import training
from docket.ingest.classify import Rule, Suggestion, apply_rules
from docket.ingest.fields import Fields, extract_fields
from docket.ingest.fields.customers import CORE as NAMED
from docket.ingest.models import IngestJob, MatchRule

KEEP = 5  # suggestions kept per kind, for the review screen
TAGS_CHOSEN = "tags_chosen"  # in IngestJob.fields: a person chose the tags (ingest_retry)
CHOOSE = {  # what a person must choose, by (no customer, no document type)
    (True, False): _("choose the customer: %(why)s"),
    (False, True): _("choose the document type: %(why)s"),
    (True, True): _("choose the customer and the document type: %(why)s"),
}
NONE_TOLD = Notice(_("none could be told from the file"))


@dataclass(frozen=True)
class Decision:
    missing: str = ""  # why a person must decide (a Notice); empty when the job can be filed


def decide(job: IngestJob, text: str) -> Decision:
    customers = list(
        Customer.objects.exclude(status=Customer.Status.MERGED).values_list("id", "name")
    )
    fields = extract_fields(text, customers=customers)
    job.fields = {**job.fields, **fields_as_json(fields)}
    found = _suggestions(job, text, fields)
    names = _names(found)
    job.suggestions = {
        kind: [_as_json(s, names) for s in items[:KEEP]] for kind, items in found.items()
    }
    threshold = settings.SUGGESTION_THRESHOLD
    best_customer = _best(found["customer"], threshold)
    refused = _refused_customer(job, best_customer)
    if job.customer_id is None and best_customer is not None and not refused:
        job.customer = Customer.objects.get(id=best_customer.target_id)
    if job.document_type_id is None and (best := _best(found["type"], threshold)):
        job.document_type = DocumentType.objects.get(id=best.target_id)
    if not job.fields.get(TAGS_CHOSEN):
        for tag in found["tag"]:
            name = names["tag"].get(tag.target_id)
            if tag.confidence >= threshold and name and name not in job.tag_names:
                job.tag_names = [*job.tag_names, name]
    missing = (job.customer_id is None, job.document_type_id is None)
    if any(missing):
        why = refused or NONE_TOLD
        return Decision(Notice(CHOOSE[missing], why=why))
    return Decision()


def _refused_customer(job: IngestJob, best: Suggestion | None) -> Notice | str:
    """Why the customer given or suggested cannot be filed to, or "". A given one the uploader
    may no longer upload to (the permission was taken away while the job waited, a batch
    label's customer) is cleared, for a person to choose. The reason names no customer: the
    uploader may not even know of it."""
    if job.target_document_id is not None:  # a new version of a document: its customer stays
        return ""
    if job.customer_id is not None:
        if _may_file_to(job, job.customer_id):
            return ""
        job.customer = None
        return Notice(_("the uploader may not file to the customer given"))
    if best is not None and not _may_file_to(job, best.target_id):
        if _points_to(best):
            return Notice(_("the uploader may not file to the customer the file points to"))
        return NONE_TOLD  # a guess at a customer not theirs: none of theirs could be told
    return ""


def _points_to(suggestion: Suggestion) -> bool:
    """Whether the file itself names the customer: its full name or its name without the
    legal form in the text, or the address of one of its contacts. A shorter form of a name
    (上海ABC in 上海ABC科技有限公司, a company that is no customer), a rule or the learned model
    only guess; a refused guess is "none could be told", not a customer the file points to."""
    if suggestion.source == "contact":
        return True
    return suggestion.source == "name" and suggestion.confidence >= NAMED


def _may_file_to(job: IngestJob, customer_id: int) -> bool:
    """What documents.services checks when `store` files as the uploader (None: the system,
    for a folder or mailbox)."""
    may_upload = customers_q(job.created_by, Permission.UPLOAD)
    live = Customer.objects.exclude(status=Customer.Status.MERGED)
    return live.filter(may_upload, id=customer_id).exists()


def _suggestions(job: IngestJob, text: str, fields: Fields) -> dict[str, list[Suggestion]]:
    found: dict[str, list[Suggestion]] = {"customer": [], "type": [], "tag": []}
    sender = (job.fields or {}).get("sender", "")
    for email in [sender, *fields.emails] if sender else fields.emails:
        contact = Contact.objects.filter(email__iexact=email).select_related("customer").first()
        if contact and contact.customer.status != Customer.Status.MERGED:
            found["customer"].append(
                Suggestion(
                    "customer",
                    contact.customer_id,
                    0.95 if email == sender else 0.8,
                    "contact",
                    f"{email} is the address of {contact.name}",
                )
            )
    for match in fields.customers:
        found["customer"].append(
            Suggestion("customer", match.customer_id, match.score, "name", f"names {match.matched}")
        )
    for hit in apply_rules(text, _rules()):
        found[hit.target_kind].append(hit)
    model = training.current_model()
    if model is not None and text:
        learned = model.suggest(text)
        found["type"] += learned.types
        found["customer"] += learned.customers
        found["tag"] += learned.tags
    for kind, items in found.items():
        found[kind] = _best_per_target(items)
    return found


def _rules() -> list[Rule]:
    return [
        Rule(r.target_kind, r.target_id, r.mode, r.pattern, r.case_sensitive)
        for r in MatchRule.objects.filter(enabled=True)
    ]


def _best_per_target(items: list[Suggestion]) -> list[Suggestion]:
    best: dict[int, Suggestion] = {}
    for item in items:
        if item.target_id not in best or item.confidence > best[item.target_id].confidence:
            best[item.target_id] = item
    return sorted(best.values(), key=lambda s: (-s.confidence, s.target_id))


def _best(items: list[Suggestion], threshold: float) -> Suggestion | None:
    return items[0] if items and items[0].confidence >= threshold else None


def _names(found: dict[str, list[Suggestion]]) -> dict[str, dict[int, str]]:
    models = {"customer": Customer, "type": DocumentType, "tag": Tag}
    return {
        kind: dict(
            models[kind]
            .objects.filter(id__in=[s.target_id for s in items])
            .values_list("id", "name")
        )
        for kind, items in found.items()
    }


def _as_json(s: Suggestion, names: dict[str, dict[int, str]]) -> dict:
    return {
        "id": s.target_id,
        "name": names[s.target_kind].get(s.target_id, ""),
        "confidence": round(s.confidence, 4),
        "source": s.source,
        "reason": s.reason,
    }


def fields_as_json(fields: Fields) -> dict:
    return {
        "document_date": fields.document_date.isoformat() if fields.document_date else None,
        "dates": [d.isoformat() for d in fields.dates[:20]],
        "amounts": [str(a) for a in fields.amounts[:20]],
        "contract_numbers": fields.contract_numbers[:20],
        "archive_numbers": fields.archive_numbers[:20],
        "invoice_numbers": fields.invoice_numbers[:20],
        "uscc": fields.uscc[:20],
        "id_numbers": fields.id_numbers[:20],  # masked when shown to those without clearance
        "mobiles": fields.mobiles[:20],
        "landlines": fields.landlines[:20],
        "emails": fields.emails[:20],
    }


def document_date(job: IngestJob) -> datetime.date | None:
    value = (job.fields or {}).get("document_date")
    return datetime.date.fromisoformat(value) if value else None


def title_for(ctx) -> str:  # noqa: ANN001 (pipeline.Context; imported lazily there)
    if ctx.parsed is not None and ctx.parsed.title.strip():
        return ctx.parsed.title.strip()[:300]
    return PurePath(ctx.job.original_name.replace("\\", "/")).stem[:300] or "未命名文档"
