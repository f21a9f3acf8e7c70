"""--fewshot on the NER views whose BLURB training files are in ../shared/data.

BC2GM, BC5CDR-chem / -disease and NCBI-disease (BLURB's IOB files; the ``ncbi_disease`` view reads
the original release, whose training file is not here, and is refused in test_fewshot.py). The
majority model runs the pipeline, so the saved prompts are what a language model would be sent.
Seed 7 draws, for every view, shots with and without mentions, none of them equal to a test
sentence.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bioeval.cli import main
from bioeval.prompting.select import prompts_for_view, render_example
from bioeval.run.fewshot import SHOT_SEPARATOR, draw_shots
from bioeval.run.plan import build_plan
from bioeval.tasks.core.loading import load_split
from bioeval.tasks.core.registry import views_named
from bioeval.tasks.core.schemas import Example, KBRecord

NER = ("bc2gm", "bc5cdr_chem", "bc5cdr_disease", "ncbi_disease_blurb")
SEED, K, LIMIT = 7, 2, 3
PROMPTS = ("list_gene_question", "extract_gene_mentions", "list_chemical_question", "extract_chemical_mentions",
           "list_disease_question", "extract_disease_mentions")  # two of each view's five, to stay fast


@pytest.fixture(scope="module")
def ner_run(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fewshot_ner") / "run"
    assert main(["run", "--model", "majority", "--tasks", ",".join(NER), "--prompts", ",".join(PROMPTS),
                 "--limit", str(LIMIT),
                 "--fewshot", str(K), "--seed", str(SEED), "--data-dir", str(shared_data),
                 "--output", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def splits(shared_data: Path) -> dict[str, dict[str, dict[str, Example]]]:
    """view -> split -> id -> example, for the train and test splits."""
    out: dict[str, dict[str, dict[str, Example]]] = {}
    for name in NER:
        ((spec, view),) = views_named(name)
        out[name] = {
            split: {ex.id: ex for ex in load_split(spec, view, split, shared_data)} for split in ("train", "test")
        }
    return out


def shot_ids(run: Path) -> dict[str, list[str]]:
    return json.loads((run / "run.json").read_text(encoding="utf-8"))["fewshot_examples"]


def saved(run: Path, view: str) -> dict[str, list[dict]]:
    return {
        path.stem: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for path in sorted((run / "samples" / "majority" / view).glob("*.jsonl"))
    }


def gold_answer(record: KBRecord) -> str:
    """The BigBIO NER prompts' answer: mentions in text order, joined by "; ", or "none"."""
    mentions = sorted(record.entities, key=lambda entity: entity.offsets)
    return "; ".join(" ".join(entity.text) for entity in mentions) or "none"


def test_shots_are_drawn_from_the_training_split(ner_run: Path, splits: dict) -> None:
    drawn = shot_ids(ner_run)
    assert set(drawn) == set(NER)
    for view, ids in drawn.items():
        assert len(ids) == K == len(set(ids))
        assert all(i in splits[view]["train"] for i in ids), f"{view}: shots {ids} not all in train"
        with_mentions = [bool(splits[view]["train"][i].record.entities) for i in ids]
        assert any(with_mentions), f"{view}: seed {SEED} drew no shot with a mention"


def test_saved_prompts_show_the_shots_with_their_gold_mentions(ner_run: Path, splits: dict) -> None:
    drawn = shot_ids(ner_run)
    for name in NER:
        ((_, view),) = views_named(name)
        prompts = {prompt.name: prompt for prompt in prompts_for_view(view)}
        shots = [splits[name]["train"][i] for i in drawn[name]]
        files = saved(ner_run, name)
        assert len(files) == 2 and set(files) <= set(prompts) & set(PROMPTS)
        for prompt_name, rows in files.items():
            prompt = prompts[prompt_name]
            blocks = []
            for shot in shots:
                rendered = render_example(prompt, view, shot)
                assert rendered.target == gold_answer(shot.record)  # the prompt's answer format
                for entity in shot.record.entities:
                    assert " ".join(entity.text) in rendered.target
                blocks.append(f"{rendered.input} {rendered.target}")
            context = SHOT_SEPARATOR.join(blocks) + SHOT_SEPARATOR
            assert [row["id"] for row in rows] == [f"test-{i}" for i in range(LIMIT)]
            for row in rows:
                example = splits[name]["test"][row["id"]]
                own = render_example(prompt, view, example)
                assert row["input"] == context + own.input, f"{name}/{prompt_name} {row['id']}"
                assert row["target"] == own.target == gold_answer(example.record)
                assert example.record.text not in context  # its own sentence is not among the shots


def test_no_test_sentence_is_one_of_the_shots(ner_run: Path, splits: dict) -> None:
    """BLURB's NER train and test files share a few sentences ("A .", "Copyright 1998 Academic
    Press ."); none of them may be a shot, or its test example would see its own answer."""
    for view, ids in shot_ids(ner_run).items():
        test_texts = {ex.record.text for ex in splits[view]["test"].values()}
        for i in ids:
            assert splits[view]["train"][i].record.text not in test_texts, f"{view}: shot {i} is a test sentence"


def test_the_draw_follows_the_seed(ner_run: Path, shared_data: Path, splits: dict) -> None:
    for name, ids in shot_ids(ner_run).items():  # the recorded shots are the seeded draw from train
        ((_, view),) = views_named(name)
        train, test = list(splits[name]["train"].values()), list(splits[name]["test"].values())
        assert [ex.id for ex in draw_shots(view, train, K, SEED, test)] == ids
        assert [ex.id for ex in draw_shots(view, train, K, SEED + 1, test)] != ids

    def planned(seed: int) -> tuple[str, ...]:
        plan = build_plan(["majority"], ["bc5cdr_chem"], ["list_chemical_question"], shared_data, 1,
                          seed=seed, fewshot=K)
        return plan.fewshot["bc5cdr_chem"]

    assert planned(SEED) == planned(SEED) == tuple(shot_ids(ner_run)["bc5cdr_chem"])  # --limit does not move it
