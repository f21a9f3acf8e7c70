"""i2b2 / n2c2 2010 relations: problems, treatments and tests in discharge summaries (credentialed).

Local files only: the three archives of the release, as the n2c2 portal ships them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bioeval.tasks.core.schemas import TextRecord
from bioeval.tasks.core.spec import Access, DatasetSpec, Source, SourceFile, relation_pair_view
from bioeval.tasks.readers.i2b2 import NEGATIVE, RELATION_TYPES, read_pairs

_TRAIN = ("original/concept_assertion_relation_training_data.tar.gz",)
_TEST = ("original/reference_standard_for_test_data.tar.gz", "original/test_data.tar.gz")
_SPLITS = {"train": _TRAIN, "test": _TEST}
LABELS = (*RELATION_TYPES, NEGATIVE)
LABEL_TEXT = {
    "PIP": "problem indicates problem",
    "TeCP": "test conducted to investigate problem",
    "TeRP": "test reveals problem",
    "TrAP": "treatment administered for problem",
    "TrCP": "treatment causes problem",
    "TrIP": "treatment improves problem",
    "TrNAP": "treatment not administered because of problem",
    "TrWP": "treatment worsens problem",
    "false": "no relation",
}


def _load(split: str, paths: Mapping[str, Path]) -> Iterable[TextRecord]:
    return read_pairs(paths[ref] for ref in _SPLITS[split])


DATASET = DatasetSpec(
    name="n2c2_2010",
    title="i2b2 / n2c2 2010 shared task: relations",
    homepage="https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/",
    license="n2c2 data use agreement",
    citation=(
        "Uzuner O, South BR, Shen S, DuVall SL. 2010 i2b2/VA challenge on concepts, assertions, "
        "and relations in clinical text. JAMIA 2011;18(5):552-556."
    ),
    sources=(
        Source(
            name="original",
            description="the release archives: training data, test reference standard, test text",
            files=tuple(SourceFile(ref.removeprefix("original/")) for ref in (*_TRAIN, *_TEST)),
        ),
    ),
    views=(
        relation_pair_view(
            "n2c2_2010",
            _SPLITS,
            _load,
            "every two concepts of a sentence, masked @PROBLEM$ / @TREATMENT$ / @TEST$ (BLUE's "
            "recipe)",
            labels=LABELS,
            label_text=LABEL_TEXT,
            negative=NEGATIVE,
        ),
    ),
    access=Access.CREDENTIALED,
    how_to_get=(
        "sign the n2c2 data use agreement at https://portal.dbmi.hms.harvard.edu/projects/"
        "n2c2-nlp/, download the 2010 relations challenge archives and copy "
        "concept_assertion_relation_training_data.tar.gz, reference_standard_for_test_data.tar.gz "
        "and test_data.tar.gz unchanged into <data dir>/n2c2_2010/original/"
    ),
    benchmarks=("BLUE",),
)
