"""Classification and field extraction on demo documents: how well does a model trained on filed
documents suggest the type, customer and tags of new ones, how fast, and how often does field
extraction find what the generator put into the text?

Corpus: `docket.demo.generator.demo_plan` (pure, in memory; no database), one plan per seed with
30 customers; each current version goes through `docket.ingest.extract.born_digital_text`.
PNG scans (签收单, 营业执照) have no text layer and are left out: they need OCR first. Per seed:
an 80/20 split stratified by document type, train on the 80, measure on the 20.

Field ground truth comes from the plan itself: the document date, the customer, the contact's
phone, and the amount each renderer returns (recorded by wrapping the renderers while the plan
is made; v1 of each document is the file that amount belongs to). Precision is not measured:
the generator does not say which other dates and amounts a text contains.

    python -m benchmarks.classify [--quick] [--json FILE]
"""

import mimetypes
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from benchmarks import common


@dataclass
class Doc:
    text: str  # the current version's text
    first_text: str  # version 1's text, which the recorded amount belongs to
    type_name: str
    customer: int
    tags: list[str]
    date: Any
    amount: Decimal | None
    phone: str


def corpus(seed: int, documents: int, customers: int) -> tuple[list[Doc], list[str], int]:
    """Documents with text, the customer names, and how many had no text."""
    from docket.demo import generator
    from docket.demo.papers import RENDERERS
    from docket.ingest.extract import born_digital_text as extract_text

    papers: list[Any] = []
    originals = dict(RENDERERS)

    def recording(render: Callable) -> Callable:
        def wrapper(*args: Any) -> Any:
            papers.append(paper := render(*args))
            return paper

        return wrapper

    RENDERERS.update({name: recording(render) for name, render in originals.items()})
    try:
        plan = generator.demo_plan(customers=customers, documents=documents, seed=seed)
    finally:
        RENDERERS.update(originals)
    assert len(papers) == len(plan.documents), "one renderer call per document"

    def text_of(file: Any) -> str | None:
        return extract_text(file.data, mimetypes.guess_type(file.filename)[0] or "")

    docs, no_text = [], 0
    for spec, paper in zip(plan.documents, papers, strict=True):
        text = text_of(spec.files[-1])
        if not text:
            no_text += 1
            continue
        person = plan.customers[spec.customer]
        docs.append(
            Doc(
                text,
                text_of(spec.files[0]) or "",
                spec.type_name,
                spec.customer,
                spec.tags,
                spec.date,
                paper.amount,
                person.contacts[0]["phone"],
            )
        )
    return docs, [c.name for c in plan.customers], no_text


def classification(docs: list[Doc], names: list[str], seed: int) -> dict[str, Any]:
    from sklearn.metrics import f1_score
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import MultiLabelBinarizer

    from docket.ingest.classify.model import TrainingSample, train
    from docket.ingest.fields import CustomerMatcher

    type_ids = {name: i + 1 for i, name in enumerate(sorted({d.type_name for d in docs}))}
    tag_ids = {name: i + 1 for i, name in enumerate(sorted({t for d in docs for t in d.tags}))}
    labels = [d.type_name for d in docs]
    fit, held = train_test_split(docs, test_size=0.2, stratify=labels, random_state=seed)
    samples = [
        TrainingSample(d.text, type_ids[d.type_name], d.customer + 1, [tag_ids[t] for t in d.tags])
        for d in fit
    ]
    start = time.perf_counter()
    model = train(samples)
    train_s = time.perf_counter() - start
    model.suggest(held[0].text)  # warm-up
    latencies, types, customers, tags = [], [], [], []
    confidence: dict[str, list[float]] = {"type": [], "customer": []}
    for d in held:
        start = time.perf_counter()
        s = model.suggest(d.text)
        latencies.append((time.perf_counter() - start) * 1000)
        types.append(s.best_type.target_id if s.best_type else None)
        customers.append(s.best_customer.target_id - 1 if s.best_customer else None)
        tags.append({x.target_id for x in s.tags})
        confidence["type"].append(s.best_type.confidence if s.best_type else 0.0)
        confidence["customer"].append(s.best_customer.confidence if s.best_customer else 0.0)
    binarizer = MultiLabelBinarizer(classes=sorted(tag_ids.values()))
    truth = binarizer.fit_transform([{tag_ids[t] for t in d.tags} for d in held])
    predicted = binarizer.transform(tags)
    matcher = CustomerMatcher(list(enumerate(names)))
    by_name = [(m[0].customer_id if (m := matcher.match(d.text)) else None) for d in held]
    # Name matching first (it is exact when the name is there), the model otherwise.
    combined = [n if n is not None else c for n, c in zip(by_name, customers, strict=True)]
    majority = max(labels.count(t) for t in set(labels)) / len(labels)

    def accuracy(predictions: list[Any], truth: list[Any]) -> float:
        return round(sum(p == t for p, t in zip(predictions, truth, strict=True)) / len(truth), 3)

    customer_truth = [d.customer for d in held]
    type_truth = [type_ids[d.type_name] for d in held]
    # The generator's tag rules (demo.generator._tags) without its dice: the best any model
    # of the text could hope for, since 待审核 and a share of the others are random.
    oracle = binarizer.transform([_oracle_tags(d, tag_ids) for d in held])
    return {
        "train_documents": len(fit),
        "held_out_documents": len(held),
        "type_accuracy": accuracy(types, type_truth),
        "type_mean_confidence": round(statistics.mean(confidence["type"]), 3),
        "type_calibration_error": _ece(confidence["type"], types, type_truth),
        "type_majority_baseline": round(majority, 3),
        "customer_accuracy_model": accuracy(customers, customer_truth),
        "customer_mean_confidence": round(statistics.mean(confidence["customer"]), 3),
        "customer_calibration_error": _ece(confidence["customer"], customers, customer_truth),
        "customer_accuracy_name_match": accuracy(by_name, customer_truth),
        "customer_accuracy_name_then_model": accuracy(combined, customer_truth),
        "tags_micro_f1": round(float(f1_score(truth, predicted, average="micro")), 3),
        "tags_micro_f1_oracle": round(float(f1_score(truth, oracle, average="micro")), 3),
        "train_seconds": round(train_s, 2),
        "suggest_ms_median": round(statistics.median(latencies), 2),
        "suggest_ms_p95": round(common.percentile(latencies, 95), 2),
        "model_bytes": len(model.dumps()),
    }


def _oracle_tags(doc: Doc, tag_ids: dict[str, int]) -> set[int]:
    names = {str(doc.date.year)} | ({"已归档"} if doc.date.year == 2022 else set())
    if doc.amount is not None and doc.amount >= 100000:
        names.add("重要")
    return {tag_ids[n] for n in names if n in tag_ids}


def _ece(confidences: list[float], predicted: list[Any], truth: list[Any]) -> float:
    """Expected calibration error over 5 equal-width bins: how far "p = 0.8" is from being
    right 80% of the time, weighted by how many predictions fall in each bin."""
    bins: dict[int, list[tuple[float, bool]]] = {}
    for c, p, t in zip(confidences, predicted, truth, strict=True):
        bins.setdefault(min(int(c * 5), 4), []).append((c, p == t))
    return round(
        sum(
            len(b)
            / len(truth)
            * abs(statistics.mean(c for c, _ in b) - statistics.mean(r for _, r in b))
            for b in bins.values()
        ),
        3,
    )


def field_figures(docs: list[Doc], names: list[str]) -> dict[str, Any]:
    from docket.ingest.fields import CustomerMatcher, extract_fields, parse_capitals

    matcher = CustomerMatcher(list(enumerate(names)))
    hits: dict[str, list[bool]] = {k: [] for k in ("date", "document_date", "amount", "total")}
    hits |= {"capitals": [], "phone": [], "customer_named": [], "customer_any": []}
    latencies = []
    for d in docs:
        start = time.perf_counter()
        fields = extract_fields(d.first_text, customers=matcher)
        latencies.append((time.perf_counter() - start) * 1000)
        if d.type_name != "报价单" or not d.first_text.startswith("序号"):  # CSVs carry no date
            hits["date"].append(d.date in fields.dates)
            hits["document_date"].append(fields.document_date == d.date)
        if d.amount is not None:
            hits["amount"].append(d.amount.quantize(Decimal("0.01")) in fields.amounts)
            hits["total"].append(fields.largest_amount == d.amount)
        if d.type_name == "合同" and (m := re.search(r"大写:(\S+?)\)", d.first_text)):
            hits["capitals"].append(parse_capitals(m.group(1)) == d.amount)
        if "联系电话" in d.first_text:
            hits["phone"].append(d.phone in fields.mobiles)
        top = fields.customers[0].customer_id if fields.customers else None
        hits["customer_any"].append(top == d.customer)
        if names[d.customer] in d.first_text:
            hits["customer_named"].append(top == d.customer)
    result: dict[str, Any] = {
        f"{key}_recall": round(sum(v) / len(v), 3) if v else None for key, v in hits.items()
    }
    result |= {f"{key}_cases": len(v) for key, v in hits.items()}
    result["extract_ms_median"] = round(statistics.median(latencies), 2)
    return result


def main() -> None:
    args = common.parse_args(__doc__)
    common.setup_django(args.db, args.workdir)  # imports only; no database is used

    seeds, documents = ([101], 150) if args.quick else ([101, 202, 303], 500)
    runs = []
    for seed in seeds:
        start = time.perf_counter()
        docs, names, no_text = corpus(seed, documents, 30)
        made_s = time.perf_counter() - start
        result = {"seed": seed, "documents_with_text": len(docs), "without_text": no_text}
        result["corpus_seconds"] = round(made_s, 1)
        result |= classification(docs, names, seed)
        result["fields"] = field_figures(docs, names)
        runs.append(result)
        print(f"seed {seed}: {len(docs)} documents with text ({no_text} scans left out)")

    keys = [k for k in runs[0] if k not in ("seed", "fields")]
    print("\nClassification (held-out 20%, stratified by type; 30 customers per seed)")
    print(common.table(["measure", *[f"seed {r['seed']}" for r in runs]], _rows(runs, keys)))
    field_keys = list(runs[0]["fields"])
    print("\nField extraction on the same documents (recall of what the generator put in)")
    field_runs = [r["fields"] for r in runs]
    print(
        common.table(
            ["measure", *[f"seed {r['seed']}" for r in runs]], _rows(field_runs, field_keys)
        )
    )
    common.write_json(args, {"runs": runs})


def _rows(runs: list[dict[str, Any]], keys: list[str]) -> list[list[Any]]:
    # Each row one measure; common.table formats a column of numbers alike, so show as text.
    return [[key, *[str(r[key]) for r in runs]] for key in keys]


if __name__ == "__main__":
    main()
