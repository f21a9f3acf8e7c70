"""Agreement with independent implementations on the real test sets in ../shared/data, to 1e-9.

seqeval (entity-level F1 on the five BLURB NER sets), scikit-learn (RE micro-F1, PICO token
macro-F1, HoC), scipy (Pearson on BIOSSES), rouge-score (ROUGE-1 on entity lists). Predictions
are the gold itself and seeded perturbations of it (dropped, shifted, retyped and invented
entities; flipped labels; noisy scores).
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from bioeval.metrics.entities import iob2_tags, spans_from_iob
from bioeval.metrics.registry import metric
from bioeval.metrics.scoring import score
from bioeval.metrics.types import AnnotatedText, Span
from rouge_score import rouge_scorer
from scipy.stats import pearsonr
from seqeval.metrics import classification_report
from seqeval.metrics import f1_score as seqeval_f1
from seqeval.scheme import IOB2
from sklearn.metrics import f1_score, precision_recall_fscore_support

TOL = 1e-9

NER_SETS = {
    "bc5cdr_chem": "bc5cdr/blurb_chem/test.tsv",
    "bc5cdr_disease": "bc5cdr/blurb_disease/test.tsv",
    "ncbi_disease": "ncbi_disease/blurb/test.tsv",
    "bc2gm": "bc2gm/blurb/test.tsv",
    "jnlpba": "jnlpba/blurb/test.tsv",
}


def read_conll(path: Path) -> list[tuple[list[str], list[str]]]:
    """(tokens, tags) per sentence of a BLURB token<TAB>tag file; -DOCSTART- lines skipped."""
    sentences, tokens, tags = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-") or not line.strip():
            if tokens:
                sentences.append((tokens, tags))
                tokens, tags = [], []
            continue
        token, tag = line.split("\t")
        tokens.append(token)
        tags.append(tag)
    if tokens:
        sentences.append((tokens, tags))
    return sentences


def perturb_spans(spans: list[Span], n_tokens: int, types: list[str], rng: random.Random) -> list[Span]:
    """Drop, shift a boundary, swap the type, or keep each span; sometimes invent one."""
    out: list[Span] = []
    for span in spans:
        roll = rng.random()
        if roll < 0.15:
            continue
        if roll < 0.30:
            start = min(max(0, span.start + rng.choice([-1, 1])), n_tokens - 1) if rng.random() < 0.5 else span.start
            end = min(n_tokens, span.end + rng.choice([-1, 1])) if start == span.start else span.end
            span = Span(start, max(end, start + 1), span.type)
        elif roll < 0.40 and len(types) > 1:
            span = Span(span.start, span.end, rng.choice([t for t in types if t != span.type]))
        out.append(span)
    if n_tokens and rng.random() < 0.2:
        start = rng.randrange(n_tokens)
        out.append(Span(start, min(n_tokens, start + rng.randint(1, 3)), rng.choice(types)))
    kept: list[Span] = []  # no overlaps, so that IOB2 can encode them
    for span in sorted(out):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


@pytest.fixture(scope="module")
def ner_sets(shared_data: Path) -> dict[str, list[tuple[list[str], list[str]]]]:
    return {name: read_conll(shared_data / rel) for name, rel in NER_SETS.items()}


@pytest.mark.parametrize("name", list(NER_SETS))
def test_entity_f1_agrees_with_seqeval(ner_sets: dict, name: str) -> None:
    sentences = ner_sets[name]
    gold_tags = [tags for _, tags in sentences]
    gold_spans = [spans_from_iob(tags) for tags in gold_tags]
    types = sorted({s.type for spans in gold_spans for s in spans})
    strict = metric("entity_f1")

    assert strict(gold_spans, gold_spans) == 1.0
    assert seqeval_f1(gold_tags, gold_tags, mode="strict", scheme=IOB2) == 1.0

    for seed in (0, 1):
        rng = random.Random(seed)
        predicted = [perturb_spans(spans, len(tags), types, rng) for spans, tags in zip(gold_spans, gold_tags)]
        predicted_tags = [iob2_tags(spans, len(tags)) for spans, tags in zip(predicted, gold_tags)]
        ours = strict(predicted, gold_spans)
        # valid IOB2: seqeval's default (conlleval) and strict IOB2 modes agree with each other
        assert ours == pytest.approx(seqeval_f1(gold_tags, predicted_tags), abs=TOL)
        assert ours == pytest.approx(seqeval_f1(gold_tags, predicted_tags, mode="strict", scheme=IOB2), abs=TOL)
        assert 0.3 < ours < 0.95  # the perturbation did something, but not everything

    result = score("entity_f1", predicted, gold_spans, n_boot=0)
    report = classification_report(gold_tags, predicted_tags, output_dict=True)
    for type_, figures in result.details["per_type"].items():
        assert figures["f1"] == pytest.approx(report[type_]["f1-score"], abs=TOL)
        assert figures["precision"] == pytest.approx(report[type_]["precision"], abs=TOL)
        assert figures["n_gold"] == report[type_]["support"]


def test_invalid_iob_decodes_as_seqeval_default_mode(ner_sets: dict) -> None:
    """Tag-level corruption (B- turned into I-): our decoder follows conlleval, not strict mode."""
    rng = random.Random(3)
    gold_tags, corrupted = [], []
    for _, tags in ner_sets["jnlpba"]:
        gold_tags.append(tags)
        corrupted.append([("I-" + t[2:]) if t.startswith("B-") and rng.random() < 0.3 else t for t in tags])
    ours = metric("entity_f1")([spans_from_iob(t) for t in corrupted], [spans_from_iob(t) for t in gold_tags])
    default_mode = seqeval_f1(gold_tags, corrupted)
    strict_mode = seqeval_f1(gold_tags, corrupted, mode="strict", scheme=IOB2)
    assert ours == pytest.approx(default_mode, abs=TOL)
    assert abs(strict_mode - default_mode) > 0.01  # strict mode drops entities that open with I-


def test_gold_strings_and_annotated_text_score_one(ner_sets: dict) -> None:
    for name in ("bc5cdr_chem", "ncbi_disease"):
        references, typed = [], []
        for tokens, tags in ner_sets[name]:
            text = " ".join(tokens)
            starts = np.cumsum([0] + [len(t) + 1 for t in tokens])
            spans = tuple(
                Span(int(starts[s.start]), int(starts[s.end - 1] + len(tokens[s.end - 1])), s.type)
                for s in spans_from_iob(tags)
            )
            references.append(AnnotatedText(text, spans))
            typed.append([(s.type, text[s.start : s.end]) for s in spans])
        for metric_name in ("entity_f1", "entity_f1_relaxed", "rouge1"):
            assert metric(metric_name)(typed, typed) == 1.0, (name, metric_name)
            assert metric(metric_name)([list(r.spans) for r in references], references) == 1.0
        assert metric("entity_f1")(typed, references) == 1.0
        # gold strings re-aligned to the text: a string can land on an earlier occurrence
        assert metric("entity_f1")(typed, references, {"align": True}) > 0.99
        assert metric("entity_f1_relaxed")(typed, references) > 0.99


def test_rouge1_agrees_with_rouge_score(ner_sets: dict) -> None:
    rng = random.Random(5)
    scorer = rouge_scorer.RougeScorer(["rouge1"])
    gold_lists, predicted_lists, expected = [], [], []
    for tokens, tags in ner_sets["bc5cdr_disease"][:1500]:
        gold = [" ".join(tokens[s.start : s.end]) for s in spans_from_iob(tags)]
        predicted = [g if rng.random() < 0.6 else " ".join(g.split()[1:]) or "disorder" for g in gold if rng.random() < 0.85]
        if rng.random() < 0.1:
            predicted.append(rng.choice(tokens))
        gold_lists.append(gold)
        predicted_lists.append(predicted)
        if not gold and not predicted:
            expected.append(1.0)
        else:
            expected.append(scorer.score(" ".join(gold), " ".join(predicted))["rouge1"].fmeasure)
    assert metric("rouge1")(predicted_lists, gold_lists) == pytest.approx(float(np.mean(expected)), abs=TOL)
    assert metric("rouge1")(gold_lists, gold_lists) == 1.0


def _read_tsv(path: Path, header: bool) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[1:] if header else rows


@pytest.mark.parametrize(
    ("rel", "header", "negative"),
    [("chemprot/blurb/dev.tsv", False, "false"), ("gad/blurb/test.tsv", True, "0")],
)
def test_micro_f1_agrees_with_sklearn(shared_data: Path, rel: str, header: bool, negative: str) -> None:
    gold = [row[-1] for row in _read_tsv(shared_data / rel, header)]
    labels = sorted(set(gold))
    positive = [label for label in labels if label != negative]
    micro = metric("micro_f1")
    assert micro(gold, gold, {"negative": negative}) == 1.0
    rng = random.Random(11)
    predicted = [rng.choice(labels) if rng.random() < 0.35 else g for g in gold]
    predicted = [None if rng.random() < 0.03 else p for p in predicted]  # unparsed outputs
    as_strings = [p if p is not None else "<unparsed>" for p in predicted]
    expected = f1_score(gold, as_strings, average="micro", labels=positive)
    assert micro(predicted, gold, {"negative": negative, "labels": labels}) == pytest.approx(expected, abs=TOL)
    assert micro(predicted, gold, {"negative": negative}) == pytest.approx(expected, abs=TOL)
    expected_macro = f1_score(gold, as_strings, average="macro", labels=labels)
    assert metric("macro_f1")(predicted, gold, {"labels": labels}) == pytest.approx(expected_macro, abs=TOL)


def test_pearson_agrees_with_scipy(shared_data: Path) -> None:
    gold = [float(row[3]) for row in _read_tsv(shared_data / "biosses/blurb/test.tsv", header=True)]
    rng = np.random.default_rng(12)
    pearson = metric("pearson")
    assert pearson(gold, gold) == pytest.approx(1.0, abs=TOL)
    for predicted in (
        [g + rng.normal(0, 1) for g in gold],
        [float(round(g)) for g in gold],
        list(rng.uniform(0, 4, len(gold))),
    ):
        assert pearson(predicted, gold) == pytest.approx(pearsonr(predicted, gold).statistic, abs=TOL)
    with_gaps = [None if i % 4 == 0 else g + rng.normal(0, 0.5) for i, g in enumerate(gold)]
    kept = [(p, g) for p, g in zip(with_gaps, gold) if p is not None]
    expected = pearsonr([p for p, _ in kept], [g for _, g in kept]).statistic
    assert pearson(with_gaps, gold) == pytest.approx(expected, abs=TOL)


def test_token_f1_agrees_with_sklearn_on_ebm_pico(shared_data: Path) -> None:
    documents: list[list[str]] = []
    for line in (shared_data / "ebm_pico/blurb/test.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            documents.append([])
        elif line.strip():
            documents[-1].append(line.split("\t")[1])
    classes = ["I-PAR", "I-INT", "I-OUT"]
    token_f1 = metric("token_f1")
    assert token_f1(documents, documents, {"labels": classes}) == 1.0
    rng = random.Random(13)
    predicted = [[rng.choice(["O", *classes]) if rng.random() < 0.3 else t for t in doc] for doc in documents]
    flat_gold = [t for doc in documents for t in doc]
    flat_pred = [t for doc in predicted for t in doc]
    expected = f1_score(flat_gold, flat_pred, average="macro", labels=classes)
    assert token_f1(predicted, documents, {"labels": classes}) == pytest.approx(expected, abs=TOL)
    assert token_f1(predicted, documents) == pytest.approx(expected, abs=TOL)  # classes seen = the three


def test_example_f1_agrees_with_blue_formula_on_hoc(shared_data: Path) -> None:
    """HoC as BLUE scores it: labels pooled per document, P and R averaged, then F."""
    gold_by_doc: dict[str, set[str]] = defaultdict(set)
    for row in _read_tsv(shared_data / "hallmarks_of_cancer/blurb/test.tsv", header=True):
        labels, _, index = row
        doc = gold_by_doc[index.split("_")[0]]
        doc.update(item.split("_")[0] for item in labels.split(",") if item.endswith("_1"))
    gold = [frozenset(labels) for labels in gold_by_doc.values()]
    assert len(gold) == 371
    hallmarks = [str(i) for i in range(10)]
    rng = random.Random(14)
    predicted = [
        frozenset(h for h in hallmarks if (h in g) != (rng.random() < 0.12)) for g in gold
    ]
    example_f1 = metric("example_f1")
    assert example_f1(gold, gold) == 1.0
    result = score("example_f1", predicted, gold, n_boot=0)
    # sklearn's per-sample P and R agree with BLUE's wherever the gold set is not empty
    rows = [i for i, g in enumerate(gold) if g]
    binarize = lambda sets: np.array([[h in s for h in hallmarks] for s in sets], dtype=int)
    p, r, _, _ = precision_recall_fscore_support(
        binarize([gold[i] for i in rows]), binarize([predicted[i] for i in rows]), average="samples", zero_division=0
    )
    subset = score("example_f1", [predicted[i] for i in rows], [gold[i] for i in rows], n_boot=0)
    assert subset.details["precision"] == pytest.approx(p, abs=TOL)
    assert subset.details["recall"] == pytest.approx(r, abs=TOL)
    assert subset.value == pytest.approx(2 * p * r / (p + r), abs=TOL)
    # BLUE's eval_hoc.py leaves the documents without a hallmark out: the same figure on all 371
    assert metric("example_f1_blue")(predicted, gold) == pytest.approx(subset.value, abs=TOL)
    # BioMistral-NLU's micro-F1 over (document, hallmark) decisions, as sklearn (every hallmark is gold somewhere)
    expected_micro = f1_score(binarize(gold), binarize(predicted), average="micro", zero_division=0)
    assert metric("label_micro_f1")(predicted, gold) == pytest.approx(expected_micro, abs=TOL)
    assert 0.5 < result.value < 1.0
    # macro-F1 over the 10 hallmarks, as sklearn on binarized label sets
    expected_macro = f1_score(binarize(gold), binarize(predicted), average="macro", zero_division=0)
    assert metric("macro_f1")(predicted, gold, {"labels": hallmarks}) == pytest.approx(expected_macro, abs=TOL)
