"""Small files in the exact upstream formats of the datasets absent from ../shared/data.

Each writer lays its files out under ``data_dir`` as the data directory expects them
(``<dataset>/<source>/<files as published>``) and returns what the tests should find.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path


def write_bioasq(data_dir: Path) -> None:
    """Task 7b golden files (five batches) and BLURB's test TSV."""
    batches = {
        1: [
            _question(
                "5c58a74e86df2b917400000d",
                "Is Baloxavir effective for influenza?",
                "yes",
                [
                    "Baloxavir marboxil is an oral cap-dependent endonuclease inhibitor.",
                    "Baloxavir reduced the time to alleviation of influenza symptoms.",
                ],
            ),
            {
                "id": "5c6b7a9e7c78d69471000029",
                "type": "factoid",
                "body": "Which gene is mutated?",
                "exact_answer": [["BRCA1"]],
                "ideal_answer": ["BRCA1."],
                "snippets": [],
                "documents": [],
            },
        ],
        2: [
            _question(
                "5be44bef133db5eb78000014",
                "Are there microbes in human breast milk?",
                "yes",
                ["Human milk is not sterile."],
            )
        ],
        3: [
            _question(
                "5c61bacae842deac67000001",
                "Is cariprazine a dopamine agonist?",
                "no",
                ["Cariprazine is a dopamine D3/D2 receptor partial agonist."],
            )
        ],
        4: [],
        5: [
            _question(
                "5e2f1a7efbd6abf43b00002c",
                "Is ALS inherited?",
                "no",
                ["Most cases of ALS are sporadic."],
            )
        ],
    }
    folder = data_dir / "bioasq" / "original"
    folder.mkdir(parents=True)
    for batch, questions in batches.items():
        (folder / f"7B{batch}_golden.json").write_text(
            json.dumps({"questions": questions}, indent=4), encoding="utf-8"
        )
    blurb = data_dir / "bioasq" / "blurb"
    blurb.mkdir(parents=True)
    (blurb / "test.tsv").write_text(
        "5c58a74e86df2b917400000d\tIs Baloxavir effective for influenza?\tBaloxavir marboxil is "
        "an oral cap-dependent endonuclease inhibitor. Baloxavir reduced the time to alleviation "
        "of influenza symptoms.\tyes\n"
        "5c61bacae842deac67000001\tIs cariprazine a dopamine agonist?\tCariprazine is a dopamine "
        "D3/D2 receptor partial agonist.\tno\n",
        encoding="utf-8",
    )


def _question(qid: str, body: str, answer: str, snippets: list[str]) -> dict:
    return {
        "id": qid,
        "type": "yesno",
        "body": body,
        "exact_answer": answer,
        "ideal_answer": [snippets[0]],
        "documents": ["http://www.ncbi.nlm.nih.gov/pubmed/30000001"],
        "snippets": [
            {
                "text": text,
                "document": "http://www.ncbi.nlm.nih.gov/pubmed/30000001",
                "beginSection": "abstract",
                "endSection": "abstract",
                "offsetInBeginSection": 0,
                "offsetInEndSection": len(text),
            }
            for text in snippets
        ],
    }


DDI_DRUGBANK = """<?xml version="1.0" encoding="UTF-8"?>
<document id="DDI-DrugBank.d700">
    <sentence id="DDI-DrugBank.d700.s0" text="Myfortic: Absorption of Myfortic was decreased with magnesium-aluminum containing antacids.&#xd;&#xa;">
        <entity id="DDI-DrugBank.d700.s0.e0" charOffset="0-7" type="brand" text="Myfortic"/>
        <entity id="DDI-DrugBank.d700.s0.e1" charOffset="24-31" type="brand" text="Myfortic"/>
        <entity id="DDI-DrugBank.d700.s0.e2" charOffset="52-60" type="drug" text="magnesium"/>
        <entity id="DDI-DrugBank.d700.s0.e3" charOffset="52-60;62-69" type="drug" text="magnesium aluminum"/>
        <pair id="DDI-DrugBank.d700.s0.p0" e1="DDI-DrugBank.d700.s0.e0" e2="DDI-DrugBank.d700.s0.e1" ddi="false"/>
        <pair id="DDI-DrugBank.d700.s0.p1" e1="DDI-DrugBank.d700.s0.e1" e2="DDI-DrugBank.d700.s0.e2" ddi="true" type="mechanism"/>
        <pair id="DDI-DrugBank.d700.s0.p2" e1="DDI-DrugBank.d700.s0.e2" e2="DDI-DrugBank.d700.s0.e3" ddi="false"/>
    </sentence>
    <sentence id="DDI-DrugBank.d700.s1" text="No studies were done."/>
</document>
"""

DDI_MEDLINE = """<?xml version="1.0" encoding="UTF-8"?>
<document id="DDI-MedLine.d180">
    <sentence id="DDI-MedLine.d180.s1" text="Aspirin should not be taken with warfarin. ">
        <entity id="DDI-MedLine.d180.s1.e0" charOffset="0-6" type="drug" text="Aspirin"/>
        <entity id="DDI-MedLine.d180.s1.e1" charOffset="33-40" type="drug" text="warfarin"/>
        <pair id="DDI-MedLine.d180.s1.p0" e1="DDI-MedLine.d180.s1.e0" e2="DDI-MedLine.d180.s1.e1" ddi="true" type="advise"/>
    </sentence>
</document>
"""

# BLURB's rows for the same pairs (what the recipe must produce)
DDI_BLURB_ROWS = (
    (
        "DDI-DrugBank.d700.s0.p0",
        "@DRUG$: Absorption of @DRUG$ was decreased with magnesium-aluminum containing antacids.  ",
        "DDI-false",
    ),
    (
        "DDI-DrugBank.d700.s0.p1",
        "Myfortic: Absorption of @DRUG$ was decreased with @DRUG$-aluminum containing antacids.  ",
        "DDI-mechanism",
    ),
    (
        "DDI-DrugBank.d700.s0.p2",
        "Myfortic: Absorption of Myfortic was decreased with @DRUG-DRUG$ containing antacids.  ",
        "DDI-false",
    ),
    ("DDI-MedLine.d180.s1.p0", "@DRUG$ should not be taken with @DRUG$. ", "DDI-advise"),
)


def write_ddi(data_dir: Path) -> None:
    test = data_dir / "ddi_corpus" / "original" / "Test" / "Test for DDI Extraction task"
    for folder, name, content in (
        ("DrugBank", "Myfortic_ddi.xml", DDI_DRUGBANK),
        ("MedLine", "18071845.xml", DDI_MEDLINE),
    ):
        (test / folder).mkdir(parents=True)
        (test / folder / name).write_text(content, encoding="utf-8")
    blurb = data_dir / "ddi_corpus" / "blurb"
    blurb.mkdir(parents=True)
    (blurb / "test.tsv").write_text(
        "".join("\t".join(row) + "\n" for row in DDI_BLURB_ROWS), encoding="utf-8"
    )


MEDNLI_ROWS = (
    {
        "sentence1": "Labs were notable for Cr 1.7 (baseline 0.5 per old records) and lactate 2.4.",
        "pairID": "23eb94b8-66c7-11e7-a8dc-f45c89b91419",
        "sentence1_parse": "(ROOT (S (NP (NNS Labs)) (VP (VBD were))))",
        "sentence1_binary_parse": "( Labs ( were notable ) )",
        "sentence2": " Patient has elevated Cr",
        "sentence2_parse": "(ROOT (S (NP (NN Patient)) (VP (VBZ has))))",
        "sentence2_binary_parse": "( Patient ( has ( elevated Cr ) ) )",
        "gold_label": "entailment",
    },
    {
        "sentence1": "Labs were notable for Cr 1.7 (baseline 0.5 per old records) and lactate 2.4.",
        "pairID": "23eb9836-66c7-11e7-bb3c-f45c89b91419",
        "sentence1_parse": "(ROOT (S))",
        "sentence1_binary_parse": "( Labs )",
        "sentence2": " Patient has normal Cr",
        "sentence2_parse": "(ROOT (S))",
        "sentence2_binary_parse": "( Patient )",
        "gold_label": "contradiction",
    },
)


def write_mednli(data_dir: Path) -> None:
    folder = data_dir / "mednli" / "original"
    folder.mkdir(parents=True)
    (folder / "mli_test_v1.jsonl").write_text(
        "".join(json.dumps(row) + "\n" for row in MEDNLI_ROWS), encoding="utf-8"
    )


SCITAIL_ROWS = (
    (
        "Pluto rotates once on its axis every 6.39 Earth days;",
        "Earth rotates on its axis once times in one day.",
        "neutral",
    ),
    (
        "Wavelength is the distance between the crests of two waves.",
        "Wavelength is the distance between two crests of a wave.",
        "entails",
    ),
)


def write_scitail(data_dir: Path) -> None:
    folder = data_dir / "scitail" / "original" / "tsv_format"
    folder.mkdir(parents=True)
    (folder / "scitail_1.0_test.tsv").write_text(
        "".join("\t".join(row) + "\n" for row in SCITAIL_ROWS), encoding="utf-8"
    )


N2C2_TEXT = (
    "Admission Date :\n"
    "He was given lasix for his pulmonary edema .\n"
    "Chest x-ray showed cardiomegaly .\n"
)
N2C2_CON = (
    'c="lasix" 2:3 2:3||t="treatment"\n'
    'c="his pulmonary edema" 2:5 2:7||t="problem"\n'
    'c="chest x-ray" 3:0 3:1||t="test"\n'
    'c="cardiomegaly" 3:3 3:3||t="problem"\n'
)
N2C2_AST = 'c="his pulmonary edema" 2:5 2:7||t="problem"||a="present"\n'
N2C2_REL = (
    'c="lasix" 2:3 2:3||r="TrAP"||c="his pulmonary edema" 2:5 2:7\n'
    'c="chest x-ray" 3:0 3:1||r="TeRP"||c="cardiomegaly" 3:3 3:3\n'
)


def write_n2c2_2010(data_dir: Path) -> None:
    """The three release archives, laid out as the n2c2 portal ships them."""
    folder = data_dir / "n2c2_2010" / "original"
    folder.mkdir(parents=True)
    train = "concept_assertion_relation_training_data"
    write_tar(
        folder / f"{train}.tar.gz",
        {
            f"{train}/beth/txt/record-13.txt": N2C2_TEXT,
            f"{train}/beth/concept/record-13.con": N2C2_CON,
            f"{train}/beth/rel/record-13.rel": N2C2_REL,
            f"{train}/beth/ast/record-13.ast": N2C2_AST,
            f"{train}/partners/unannotated/record-99.txt": "Text .\n",
        },
    )
    write_tar(
        folder / "reference_standard_for_test_data.tar.gz",
        {
            "reference_standard_for_test_data/concepts/0001.con": N2C2_CON,
            "reference_standard_for_test_data/rel/0001.rel": N2C2_REL,
        },
    )
    write_tar(folder / "test_data.tar.gz", {"test_data/0001.txt": N2C2_TEXT})


def write_tar(path: Path, members: dict[str, str]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, text in members.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
