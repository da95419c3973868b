"""What the index holds for one document, independent of the database."""

from dataclasses import dataclass

# Between fields of the head, so that a phrase never runs from a title into a customer name.
# A private-use character: the tokenizer never produces it from text.
FIELD_BREAK = "\ue000"
MAX_TOKEN_CHARS = 200  # longer "words" (base64, hashes pasted whole) are not indexed


@dataclass(frozen=True)
class IndexText:
    document_id: int
    head: tuple[
        tuple[str, ...], ...
    ]  # tokens of title, customer, archive number, file name, tags, notes
    body: tuple[str, ...]  # tokens of the current version's text
    tails: frozenset[str]  # last characters of CJK runs (tokens.run_ends)
    text: str  # all of it, NFKC, casefolded, single-spaced: what a phrase is checked against
    hints: frozenset[str] = frozenset()  # its type and year, for filters (search/hints.py)

    def head_tokens(self) -> list[str]:
        tokens: list[str] = []
        for index, field in enumerate(self.head):
            if index:
                tokens.append(FIELD_BREAK)
            tokens.extend(field)
        return tokens
