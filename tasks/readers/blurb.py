"""BLURB's sentence-level TSVs (GAD, BIOSSES, ChemProt, DDI, BioASQ, HoC).

BLURB (Gu et al., 2021) redistributes several corpora as tab-separated files; each reader here
maps one of those layouts onto a BigBIO schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import PairsRecord, QARecord, TextRecord
from bioeval.tasks.readers.text_files import read_tsv


def read_labelled_sentences(
    path: Path, header: tuple[str, str, str] | None, label_map: dict[str, str] | None = None
) -> Iterator[TextRecord]:
    """``id<TAB>sentence<TAB>label`` rows (GAD with a header; ChemProt / DDI without)."""
    for line, (row_id, sentence, label) in read_tsv(path, 3, header):
        if label_map is not None:
            if label not in label_map:
                raise DataFileError(
                    path, f"label {label!r}; expected one of {sorted(label_map)}", line
                )
            label = label_map[label]
        if not sentence.strip():
            raise DataFileError(path, "empty sentence", line)
        yield TextRecord(id=row_id, document_id=row_id, text=sentence, labels=(label,))


def read_scored_pairs(path: Path) -> Iterator[PairsRecord]:
    """BIOSSES: ``pair_id sent1 sent2 score`` with a header; score a number from 0 to 4."""
    for line, (pair_id, text_1, text_2, score) in read_tsv(
        path, 4, ("pair_id", "sent1", "sent2", "score")
    ):
        try:
            value = float(score)
        except ValueError:
            raise DataFileError(path, f"score {score!r} is not a number", line) from None
        if not 0.0 <= value <= 4.0:
            raise DataFileError(path, f"score {value} is outside 0-4", line)
        yield PairsRecord(
            id=pair_id, document_id=pair_id, text_1=text_1, text_2=text_2, label=_number(value)
        )


def _number(value: float) -> str:
    """BIOSSES scores as BigBIO writes them: '4.0', '2.2'."""
    return repr(round(value, 4))


YES_NO = ("yes", "no")


def read_yes_no_questions(path: Path) -> Iterator[QARecord]:
    """BioASQ as BLURB ships it: ``id<TAB>question<TAB>context<TAB>label``, no header."""
    for line, (question_id, question, context, label) in read_tsv(path, 4):
        if label not in YES_NO:
            raise DataFileError(path, f"label {label!r}; expected one of {YES_NO}", line)
        if not question.strip():
            raise DataFileError(path, "empty question", line)
        yield QARecord(
            id=question_id,
            question_id=question_id,
            document_id=question_id,
            question=question,
            type="yesno",
            choices=YES_NO,
            context=context,
            answer=(label,),
        )
