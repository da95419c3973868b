"""More like this: the documents that share a document's most distinctive words.

The words are the document's tokens weighted TF-IDF, with document frequencies counted in the
index itself (capped, so a very common word costs no more than a rare one); the search is an OR
of the best of them, ranked as any search."""

import math
from collections import Counter

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from docket.documents.models import Document
from docket.search.backends import get_backend
from docket.search.engine import SearchParams, SearchResult, run
from docket.search.entry import FIELD_BREAK
from docket.search.indexer import index_texts
from docket.search.query import Or, Term

CANDIDATES = 40  # most frequent words considered
WORDS = 12  # most distinctive words searched for
DF_CAP = 2_000


def similar_documents(
    *, user: AbstractBaseUser, document: Document, limit: int = 10
) -> SearchResult:
    words = distinctive_words(document.id)
    expr = None
    if words:
        terms = tuple(Term(word, (word,)) for word in words)
        expr = terms[0] if len(terms) == 1 else Or(terms)
    filters = [~Q(id=document.id)] if words else [Q(pk__in=[])]
    params = SearchParams(page_size=limit, facets=False, understand=False)
    return run(user=user, expr=expr, filters=filters, params=params)


def distinctive_words(document_id: int) -> list[str]:
    entries = index_texts([document_id])
    if not entries:
        return []
    entry = entries[0]
    counts = Counter(t for t in (*entry.head_tokens(), *entry.body) if _worth_it(t))
    total = Document.all_objects.count() or 1
    backend = get_backend()
    scored = []
    for word, tf in counts.most_common(CANDIDATES):
        matches = backend.matching(Document.all_objects.all(), Term(word, (word,)))
        df = matches.order_by()[:DF_CAP].count()
        scored.append((tf * math.log(1 + total / max(df, 1)), word))
    return [word for _, word in sorted(scored, reverse=True)[:WORDS]]


def _worth_it(token: str) -> bool:
    return token != FIELD_BREAK and len(token) > 1 and not token.replace(".", "").isdigit()
