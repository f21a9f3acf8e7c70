"""MedINST32: the 32 held-out tasks of MedINST (arXiv 2410.13458), as the authors publish them.

One view per task reads the few-shot file ``hf/unseen_tests/<Task>_test.json`` (each row with a
two-turn ``history`` of demonstrations from other tasks of its category), and a ``-zs`` twin
reads the zero-shot file ``hf/unseen_tests_zs/<Task>_test.json``. Rows are used as published.
Each task is scored by the rule the authors' evaluation script picks for it (``TASKS``), with
ROUGE-L and SQuAD word F1 always beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bioeval.tasks.core.schemas import InstructionRecord, Schema, TaskType
from bioeval.tasks.core.spec import DatasetSpec, Source, SourceFile, View
from bioeval.tasks.readers.medinst import read_instruction_file

HUB_REPO = "aialt/MedINST32"
HUB_REVISION = "main"
"""The revision ``bioeval data download medinst32`` fetches. Not yet a commit: the Hub could not
be reached where this was written; replace it with the commit id of the files you evaluate."""
HOMEPAGE = f"https://huggingface.co/datasets/{HUB_REPO}"
SOURCE = "hf"
FEW_SHOT, ZERO_SHOT = "unseen_tests", "unseen_tests_zs"
ZS = "-zs"
ALWAYS = ("rougeL", "squad_f1")
"""Reported beside every task's own rule, as the authors' script does."""


@dataclass(frozen=True)
class MedinstTask:
    name: str  # as in the published file names
    category: str  # the paper's task category
    metric: str  # the authors' rule for it (bioeval.metrics.medinst)


def _tasks(category: str, metric: str, *names: str) -> tuple[MedinstTask, ...]:
    return tuple(MedinstTask(name, category, metric) for name in names)


TASKS: tuple[MedinstTask, ...] = (
    *_tasks("NER", "bio_tag_f1", "NCBI-disease", "BC5CDR"),
    *_tasks(
        "NER", "bracket_entity_f1", "AnEM", "BioNLP-2009", "BioNLP-2011-GE", "BioNLP-2011-ID",
        "BioNLP-2011-REL", "BioNLP-2013-CG", "BioNLP-2013-GE", "BioNLP-2013-GRO", "BioNLP-2013-PC",
        "BioRED", "tmVar-v3",
    ),
    *_tasks("QA", "label_macro_f1", "BioASQ-Task-B-yesno", "PubMedQA-labeled"),
    *_tasks("QA", "squad_em", "MedQA"),
    *_tasks("TE", "label_macro_f1", "SciFact", "ManConCorpus", "CoVERt"),
    *_tasks("RE", "bracket_entity_f1", "AnEM-RE", "BC5CDR-RE", "BioInfer-RE"),
    *_tasks("TXTCLASS", "hoc_label_f1", "Hallmarks-of-Cancer"),
    *_tasks("TXTCLASS", "label_macro_f1", "MedDialog"),
    *_tasks("NED", "squad_em", "MeDAL"),
    *_tasks("NED", "bracket_entity_f1", "tmVar-v3-NED"),
    *_tasks("COREF", "bracket_entity_f1", "AnEM-COREF", "MLEE-COREF"),
    *_tasks("STS", "biosses_mse", "BIOSSES"),
    *_tasks("EE", "bracket_entity_f1", "MLEE-EE"),
    *_tasks("SUM", "rougeL", "Multi-XScience"),
    *_tasks("TRANSL", "rougeL", "ParaMed"),
)
CATEGORIES = ("NER", "QA", "TE", "RE", "TXTCLASS", "NED", "COREF", "STS", "EE", "SUM", "TRANSL")
"""The paper's categories, in its order."""


def view_name(task: str, zero_shot: bool = False) -> str:
    return f"medinst32-{task}{ZS if zero_shot else ''}"


def task_of(view: str) -> tuple[MedinstTask, bool] | None:
    """(the task, zero-shot or not) of a MedINST32 view name, None for any other name."""
    for task in TASKS:
        for zero_shot in (False, True):
            if view == view_name(task.name, zero_shot):
                return task, zero_shot
    return None


def file_ref(task: str, zero_shot: bool) -> str:
    return f"{SOURCE}/{ZERO_SHOT if zero_shot else FEW_SHOT}/{task}_test.json"


def _old_paths(task: str, zero_shot: bool) -> tuple[str, ...]:
    """Older revisions spelled task names with underscores, and zero-shot ones with ``_zero``."""
    old = task.replace("-", "_")
    folder = ZERO_SHOT if zero_shot else FEW_SHOT
    names = [f"{old}_test.json"] + ([f"{task}_zero_test.json", f"{old}_zero_test.json"] if zero_shot else [])
    return tuple(dict.fromkeys(f"{folder}/{name}" for name in names if name != f"{task}_test.json"))


def _load(split: str, paths: Mapping[str, Path]) -> Iterable[InstructionRecord]:
    (path,) = paths.values()
    return read_instruction_file(path)


def _view(task: MedinstTask, zero_shot: bool) -> View:
    setting = "zero-shot" if zero_shot else "few-shot: two demonstrations as prior chat turns"
    return View(
        name=view_name(task.name, zero_shot),
        schema=Schema.INSTRUCTION,
        task=TaskType.INSTRUCT,
        splits={"test": (file_ref(task.name, zero_shot),)},
        load=_load,
        metrics=tuple(dict.fromkeys((task.metric, *ALWAYS))),
        train_split=None,
        description=f"MedINST32 {task.category}: {task.name} ({setting})",
    )


def _source_file(task: str, zero_shot: bool) -> SourceFile:
    ref = file_ref(task, zero_shot)
    return SourceFile(ref.partition("/")[2], url=f"hf://datasets/{HUB_REPO}@{HUB_REVISION}", old_paths=_old_paths(task, zero_shot))


DATASET = DatasetSpec(
    name="medinst32",
    title="MedINST32 (MedINST's 32 held-out tasks, as published)",
    homepage=HOMEPAGE,
    license="CC-BY-4.0",
    citation=(
        "Han W, Fang M, Zhang Z, et al. MedINST: Meta Dataset of Biomedical Instructions. "
        "Findings of EMNLP 2024. arXiv:2410.13458."
    ),
    sources=(
        Source(
            name=SOURCE,
            description=f"the Hugging Face dataset {HUB_REPO}: unseen_tests/ (few-shot) and "
            "unseen_tests_zs/ (zero-shot), one <Task>_test.json each",
            files=tuple(_source_file(t.name, zs) for zs in (False, True) for t in TASKS),
        ),
    ),
    views=tuple(_view(task, zs) for zs in (False, True) for task in TASKS),
    benchmarks=("MedINST32",),
    description="Instruction rows as the MedINST authors publish them, scored by their rules",
)
