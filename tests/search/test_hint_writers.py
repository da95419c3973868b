"""The filter hints (search/hints.py) hold only while every write of a document's type, date or
upload time goes through a service that reindexes the document. This reads the source for
writes that would not: a queryset `update()` or `bulk_update()` of those fields (save() is
bypassed and nothing reindexes), or a document created outside the documents' services."""

import ast
from pathlib import Path

import docket

HINTED_FIELDS = {"document_type", "document_type_id", "document_date", "created_at"}
SOURCE = Path(docket.__file__).parent
# Where documents are made: document_create indexes in the same transaction; the catalog's
# example is never saved (it previews a type's file name).
CREATES_DOCUMENTS = {"documents/services.py", "documents/catalog.py"}


def writes(path: Path, root: Path) -> list[str]:
    """Calls in this module that write a hinted field of a document past its service."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = ast.unparse(node.func)
        name = func.rsplit(".", 1)[-1]
        fields = {kw.arg for kw in node.keywords} & HINTED_FIELDS
        bulk = bool(fields) and name in {"update", "update_or_create"}
        bulk |= name == "bulk_update" and bool(HINTED_FIELDS & _strings(node))
        made = name == "Document" or func.startswith("Document.") and name.endswith("create")
        created = bool(fields) and made
        if bulk or created:
            kind = "creates" if created and not bulk else "updates"
            found.append(f"{path.relative_to(root)}:{node.lineno}: {kind}: {func}")
    return found


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant)}


def test_no_code_writes_a_documents_type_or_date_past_the_service_that_reindexes_it():
    found = [
        write
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts
        for write in writes(path, SOURCE)
        if not (write.split(":")[0] in CREATES_DOCUMENTS and ": creates: " in write)
    ]
    assert found == []


def test_the_check_finds_a_bulk_update_of_a_documents_date(tmp_path):
    module = tmp_path / "bulk.py"
    module.write_text(
        "Document.all_objects.filter(customer=c).update(document_date=None)\n"
        "Document.objects.bulk_update(docs, ['document_type'])\n"
        "Document(title='x', document_date=d)\n"
        "Document.objects.create(document_type=t)\n"
        "Customer.objects.filter(id=1).update(name='y')\n",
        encoding="utf-8",
    )
    assert [w.split(": ", 1)[1] for w in writes(module, tmp_path)] == [
        "updates: Document.all_objects.filter(customer=c).update",
        "updates: Document.objects.bulk_update",
        "creates: Document",
        "creates: Document.objects.create",
    ]
