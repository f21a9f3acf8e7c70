"""BioASQ Task B golden files (e.g. ``7B1_golden.json``): the yes/no questions as QA records.

``{"questions": [{"id", "body", "type", "exact_answer", "ideal_answer", "snippets": [{"text",
...}], "documents": [...]}]}``. The context of a question is the text of its gold snippets
joined by single spaces (as BLURB builds it); questions of other types are not yes/no items and
are left to other views.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import QARecord
from bioeval.tasks.readers.text_files import read_json, require_keys

YES_NO = ("yes", "no")


def read_yes_no_questions(path: Path) -> Iterator[QARecord]:
    data = read_json(path)
    require_keys(data, ("questions",), path, "top level")
    if not isinstance(data["questions"], list):
        raise DataFileError(path, "'questions' must be a list")
    for position, question in enumerate(data["questions"]):
        where = f"question {position}"
        require_keys(question, ("id", "body", "type"), path, where)
        if question["type"] != "yesno":
            continue
        where = f"question {question['id']}"
        require_keys(question, ("exact_answer", "snippets"), path, where)
        answer = question["exact_answer"]
        answer = answer.strip().lower() if isinstance(answer, str) else answer
        if answer not in YES_NO:
            raise DataFileError(path, f"{where}: exact_answer {answer!r}; expected yes or no")
        snippets = question["snippets"]
        if not isinstance(snippets, list):
            raise DataFileError(path, f"{where}: 'snippets' must be a list")
        for snippet in snippets:
            require_keys(snippet, ("text",), path, f"{where}, snippet")
        yield QARecord(
            id=question["id"],
            question_id=question["id"],
            document_id=question["id"],
            question=question["body"],
            type="yesno",
            choices=YES_NO,
            context=" ".join(snippet["text"].strip() for snippet in snippets),
            answer=(answer,),
        )
