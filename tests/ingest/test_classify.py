"""docket.ingest.classify: rules people write, and a model learned from filed documents. Both only
suggest; a bad rule is refused when it is written, never when a document arrives; too few filed
documents is a state the model reports, not a crash."""

import io
import logging
import mimetypes

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from docket.demo.generator import OPENING, demo_plan
from docket.ingest.classify import Rule, apply_rules, validate_rule
from docket.ingest.classify import storage as model_storage
from docket.ingest.classify.fuzzy import best_distance, fuzzy_contains
from docket.ingest.classify.linear import Features, fit_temperature
from docket.ingest.classify.model import (
    MIN_DOCUMENTS,
    NOT_ENOUGH,
    Model,
    ModelLoadError,
    TrainingSample,
    _fit,
    train,
)
from docket.ingest.extract import born_digital_text as extract_text
from docket.search.tokens import tokenize

TYPE_IDS = {name: i for i, name in enumerate(OPENING, 1)}  # 合同 = 1, 报价单 = 2, 发票 = 3, …
TAG_IDS = {"重要": 1, "待审核": 2, "已归档": 3, "2022": 4, "2023": 5, "2024": 6}

# --- rules --------------------------------------------------------------------------------------


def _matches(mode: str, pattern: str, text: str, **kwargs: bool) -> bool:
    rule = validate_rule(Rule("type", 1, mode, pattern, **kwargs))
    return bool(apply_rules(text, [rule]))


@pytest.mark.parametrize(
    ("mode", "pattern", "text", "expected"),
    [
        ("any", "合同 协议", "本协议自双方盖章之日起生效", True),
        ("any", "合同 协议", "报价单", False),
        ("any", "HT", "编号 HT-2023-0001", True),
        ("any", "HT", "HTML 文档", False),  # a Latin word does not match inside another
        ("any", "HT", "CHT-1", False),
        ("any", '"purchase order" 采购单', "Purchase   Order no. 7", True),  # a quoted phrase
        ("any", '"purchase order"', "purchase of an order", False),
        ("all", "合同 盖章", "双方盖章后本合同生效", True),  # any order
        ("all", "合同 盖章", "本合同生效", False),
        ("exact", "购销合同", "甲乙双方签订购销合同如下", True),
        ("exact", "购销 合同", "购销\n合同", True),  # any whitespace for a space
        ("exact", "购销合同", "购销协议与合同", False),
        ("regex", r"HT-\d{4}-\d{4}", "档号 HT-2023-0001", True),
        ("regex", r"HT-\d{4}-\d{4}", "档号 ht-2023-0001", True),  # case ignored by default
        ("regex", r"^增值税.*发票$", "增值税电子普通发票", True),
        ("regex", r"HT-\d{4}-\d{4}", "HT-23-1", False),
        ("fuzzy", "上海ABC贸易有限公司", "甲方：上海ABC贸昜有限公司", True),  # one misread
        ("fuzzy", "上海ABC贸易有限公司", "甲方：上海XYZ贸昜有限公司", False),  # four
        ("fuzzy", "上海ABC贸易", "上海ＡＢＣ贸易", True),  # full-width folds to half-width
        ("any", "ABC", "上海ＡＢＣ贸易", True),
    ],
)
def test_rule_modes(mode: str, pattern: str, text: str, expected: bool) -> None:
    assert _matches(mode, pattern, text) is expected


@pytest.mark.parametrize("mode", ["any", "all", "exact", "regex", "fuzzy"])
def test_case_sensitive_rules_respect_case(mode: str) -> None:
    assert _matches(mode, "ABC Trading", "abc trading ltd")
    assert not _matches(mode, "ABC Trading", "abc trading ltd", case_sensitive=True)
    assert _matches(mode, "ABC Trading", "ABC Trading Ltd", case_sensitive=True)


def test_fuzzy_confidence_is_the_similarity() -> None:
    rule = Rule("customer", 9, "fuzzy", "上海ABC贸易有限公司")  # 11 characters
    [suggestion] = apply_rules("上海ABC贸昜有限公司", [rule])
    assert suggestion.confidence == round(10 / 11, 3)  # one wrong character in eleven
    [exact] = apply_rules("上海ABC贸易有限公司", [rule])
    assert exact.confidence == 1.0


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (Rule("type", 1, "regex", "(["), "regular expression is invalid"),
        (Rule("type", 1, "regex", "a*"), "matches empty text"),
        (Rule("type", 1, "regex", "合同|"), "matches empty text"),
        (Rule("type", 1, "glob", "*.pdf"), "unknown match mode"),
        (Rule("folder", 1, "any", "合同"), "unknown target kind"),
        (Rule("type", 0, "any", "合同"), "positive integer"),
        (Rule("type", True, "any", "合同"), "positive integer"),  # type: ignore[arg-type]
        (Rule("type", 1, "any", "   "), "empty"),
        (Rule("type", 1, "exact", "x" * 1001), "longer than"),
    ],
)
def test_invalid_rules_are_refused_at_validation(rule: Rule, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_rule(rule)


def test_an_invalid_rule_that_slipped_through_is_skipped_not_raised(caplog) -> None:
    bad, good = Rule("type", 1, "regex", "(["), Rule("type", 2, "any", "发票")
    with caplog.at_level(logging.WARNING):
        suggestions = apply_rules("增值税电子普通发票", [bad, good])
    assert [s.target_id for s in suggestions] == [2]
    assert "skipping invalid rule" in caplog.text


def test_one_suggestion_per_target_ordered_types_customers_tags() -> None:
    rules = [
        Rule("tag", 5, "any", "加急"),
        Rule("type", 1, "any", "合同"),
        Rule("type", 1, "exact", "购销合同"),  # the same target twice: one suggestion
        Rule("customer", 3, "fuzzy", "上海ABC贸易有限公司"),
        Rule("type", 2, "any", "不存在"),
    ]
    text = "购销合同 甲方：上海ABC贸昜有限公司 加急"
    got = [(s.target_kind, s.target_id, s.source) for s in apply_rules(text, rules)]
    assert got == [("type", 1, "rule"), ("customer", 3, "rule"), ("tag", 5, "rule")]


def test_no_rules_or_no_text_no_suggestions() -> None:
    assert apply_rules("合同", []) == []
    assert apply_rules("", [Rule("type", 1, "any", "合同")]) == []


# --- fuzzy matching -----------------------------------------------------------------------------


def _brute_distance(pattern: str, text: str) -> int:
    """Smallest edit distance from pattern to any substring of text, by the textbook table."""
    previous = [0] * (len(text) + 1)  # row 0: a match may start anywhere
    for i, p in enumerate(pattern, 1):
        row = [i] + [0] * len(text)
        for j, t in enumerate(text, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (p != t))
        previous = row
    return min(previous)


@given(st.text("abc上海", max_size=12), st.text("abc上海x", max_size=40))
def test_best_distance_agrees_with_the_textbook_table(pattern: str, text: str) -> None:
    assert best_distance(pattern, text) == _brute_distance(pattern, text)


@given(
    st.text("abcd", min_size=1, max_size=12),
    st.text("abcdx", max_size=40),
    st.sampled_from([0.5, 0.7, 0.8, 0.9]),
)
def test_fuzzy_contains_finds_every_match_its_filter_allows(
    pattern: str, text: str, threshold: float
) -> None:
    similarity = 1 - _brute_distance(pattern, text) / len(pattern)
    expected = similarity if similarity >= threshold else 0.0
    assert fuzzy_contains(pattern, text, threshold) == pytest.approx(expected)


def test_fuzzy_contains_on_a_long_text_does_not_blow_up() -> None:
    import time

    text = "无关的文字。" * 200_000 + "上海ABC贸昜有限公司"
    start = time.perf_counter()
    assert fuzzy_contains("上海ABC贸易有限公司", text, 0.8) == pytest.approx(10 / 11)
    assert time.perf_counter() - start < 10.0  # a blow-up guard; make bench measures speed


# --- the model ----------------------------------------------------------------------------------


def _documents(seed: int, documents: int, customers: int = 8) -> list[tuple[str, str, int, list]]:
    """(text, type name, customer index, tags) of a demo plan's documents that have text."""
    plan = demo_plan(customers=customers, documents=documents, seed=seed)
    out = []
    for doc in plan.documents:
        file = doc.files[-1]
        text = extract_text(file.data, mimetypes.guess_type(file.filename)[0] or "")
        if text:  # PNG scans have none
            out.append((text, doc.type_name, doc.customer, doc.tags))
    return out


def _samples(documents: list[tuple[str, str, int, list]]) -> list[TrainingSample]:
    return [
        TrainingSample(text, TYPE_IDS[kind], customer + 1, [TAG_IDS[t] for t in tags])
        for text, kind, customer, tags in documents
    ]


@pytest.fixture(scope="module")
def filed() -> list[tuple[str, str, int, list]]:
    return _documents(seed=7, documents=120)


@pytest.fixture(scope="module")
def model(filed) -> Model:
    held_out = filed[::5]
    return train(_samples([d for d in filed if d not in held_out]))


def test_a_held_out_contract_and_invoice_are_typed_correctly(model: Model) -> None:
    # Another seed: other customers, other amounts, other dates than anything learned.
    new = _documents(seed=8, documents=40)
    for kind in ("合同", "发票"):
        texts = [text for text, k, _, _ in new if k == kind]
        assert texts
        for text in texts:
            best = model.suggest(text).best_type
            assert best is not None and best.target_id == TYPE_IDS[kind]
            assert best.confidence > 0.8


def test_held_out_documents_get_their_type_and_mostly_their_customer(filed, model) -> None:
    held_out = filed[::5]
    suggestions = [model.suggest(text) for text, *_ in held_out]
    types = [s.best_type.target_id for s in suggestions]
    assert types == [TYPE_IDS[kind] for _, kind, _, _ in held_out]
    right = sum(
        s.best_customer.target_id == c + 1
        for s, (_, _, c, _) in zip(suggestions, held_out, strict=True)
    )
    assert right / len(held_out) >= 0.7


def test_suggestions_are_probabilities_best_first(filed, model) -> None:
    s = model.suggest(filed[0][0], top=3)
    for ranked in (s.types, s.customers):
        confidences = [x.confidence for x in ranked]
        assert 1 <= len(ranked) <= 3
        assert confidences == sorted(confidences, reverse=True)
        assert all(0 <= c <= 1 for c in confidences) and sum(confidences) <= 1.0001
        assert all(x.source == "model" and "filed documents" in x.reason for x in ranked)


def test_tags_are_learned_per_tag() -> None:
    texts = []
    for i in range(40):
        urgent, secret = i % 2 == 0, i % 3 == 0
        words = [
            "合同",
            f"第{i}号",
            *(["加急处理"] if urgent else []),
            *(["保密"] if secret else []),
        ]
        texts.append(TrainingSample(" ".join(words), tag_ids=[1] * urgent + [2] * secret))
    model = train(texts)
    assert {t.target_id for t in model.suggest("合同 加急处理 保密").tags} == {1, 2}
    assert {t.target_id for t in model.suggest("合同 加急处理").tags} == {1}
    assert model.suggest("合同").tags == []
    assert "type" in model.not_learned and "tag" not in model.not_learned


@pytest.mark.parametrize("count", [0, 1, MIN_DOCUMENTS - 1])
def test_too_few_documents_is_a_state_not_a_crash(count: int) -> None:
    model = train(
        [TrainingSample(f"合同 第{i}号", i % 2 + 1, i % 3 + 1, [1]) for i in range(count)]
    )
    assert not model.ready
    assert set(model.not_learned) == {"type", "customer", "tag"}
    assert all(reason.startswith(NOT_ENOUGH) for reason in model.not_learned.values())
    suggestions = model.suggest("合同")
    assert (suggestions.types, suggestions.customers, suggestions.tags) == ([], [], [])
    assert suggestions.not_learned == model.not_learned


def test_documents_without_text_do_not_count() -> None:
    samples = [TrainingSample(f"合同 第{i}号", i % 2 + 1) for i in range(MIN_DOCUMENTS - 1)]
    samples += [TrainingSample("", 1), TrainingSample("  \n", 2), TrainingSample("😀", 1)]
    assert not train(samples).ready


def test_one_class_only_is_not_learned_but_the_others_are() -> None:
    samples = [
        TrainingSample(f"{name} 合同 第{i}号", type_id=1, customer_id=c)
        for i in range(12)
        for c, name in ((1, "华信科技"), (2, "鼎盛物流"))
    ]
    model = train(samples)
    assert model.type is None and "1 different" in model.not_learned["type"]
    assert model.customer is not None
    assert model.suggest("华信科技 合同").best_customer.target_id == 1


def test_text_the_model_never_saw_gives_no_suggestions(model: Model) -> None:
    for text in ("", "😀😀", "zzzz qqqq"):
        suggestions = model.suggest(text)
        assert suggestions.types == [] and suggestions.customers == []
        assert suggestions.not_learned["type"] == "no text the model knows"


def test_features_reproduce_scikit_learns_tfidf(filed) -> None:
    texts = [text for text, *_ in filed[:30]]
    vectorizer = TfidfVectorizer(
        tokenizer=tokenize, lowercase=False, token_pattern=None, sublinear_tf=True
    )
    vectorizer.fit(texts)
    features = Features(dict(vectorizer.vocabulary_), vectorizer.idf_.astype(np.float32))
    for text in [*texts[:5], "合同 合同 合同 ¥128,000.00 未见过的词"]:
        index, values = features.transform(text)
        mine = np.zeros(len(vectorizer.idf_), dtype=np.float32)
        mine[index] = values
        theirs = vectorizer.transform([text]).toarray()[0]
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_temperature_is_neutral_without_enough_data() -> None:
    # Four documents: three folds score fewer than five of them, too few to fit on.
    x, y = np.eye(4), np.array([1, 1, 2, 2])
    assert fit_temperature(x, y, _fit) == 1.0


def test_customer_probabilities_are_sharpened_from_under_confidence(model: Model) -> None:
    # Regularised logistic regression over many customers is under-confident; the fitted
    # temperature corrects that (the benchmark measures the calibration error).
    assert model.customer is not None and model.customer.temperature < 1.0


# --- storage ------------------------------------------------------------------------------------


def test_dumps_loads_round_trip(filed, model: Model) -> None:
    data = model.dumps()
    assert isinstance(data, bytes) and data.startswith(model_storage.MAGIC)
    again = Model.loads(data)
    assert (again.documents, again.trained_at, again.not_learned) == (
        model.documents,
        model.trained_at,
        model.not_learned,
    )
    for text, *_ in filed[:10]:
        assert again.suggest(text) == model.suggest(text)


def test_an_untrained_model_round_trips_too() -> None:
    model = train([])
    again = Model.loads(model.dumps())
    assert not again.ready and again.not_learned == model.not_learned


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: b"not a model at all",
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-200] + bytes(b ^ 0xFF for b in data[-200:]),  # corrupted
        lambda data: model_storage.MAGIC + b"PK\x03\x04 not a zip",
    ],
)
def test_damaged_bytes_are_refused(model: Model, damage) -> None:
    with pytest.raises(ModelLoadError):
        Model.loads(damage(model.dumps()))


def test_a_model_from_another_tokenizer_version_is_refused(model: Model, monkeypatch) -> None:
    data = model.dumps()
    monkeypatch.setattr(model_storage, "TOKENIZER_VERSION", model_storage.TOKENIZER_VERSION + 1)
    with pytest.raises(ModelLoadError, match="retrain"):
        Model.loads(data)


class _Payload:
    ran = False

    def __reduce__(self):
        return (_Payload._run, ())

    @staticmethod
    def _run() -> None:
        _Payload.ran = True


def test_loading_never_unpickles(model: Model) -> None:
    # An archive with a pickled object in it, as someone with write access to the database
    # could plant: refused, and the object's code does not run.
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array([_Payload()], dtype=object))
    with pytest.raises(ModelLoadError):
        Model.loads(model_storage.MAGIC + buffer.getvalue())
    assert not _Payload.ran
