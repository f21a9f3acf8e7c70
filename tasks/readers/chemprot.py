"""ChemProt as BioCreative VI distributes it, and BLURB's sentence-pair view rebuilt from it.

Files of one split (``chemprot_test_gs/chemprot_test_*_gs.tsv`` and the like):
``abstracts``: ``PMID<TAB>title<TAB>abstract``; ``entities``: ``PMID<TAB>Tn<TAB>type<TAB>start
<TAB>end<TAB>text`` (type CHEMICAL, GENE-Y or GENE-N; offsets into ``title<TAB>abstract``);
``relations``: ``PMID<TAB>CPR:n<TAB>Y|N<TAB>relation<TAB>Arg1:Tn<TAB>Arg2:Tm``;
``gold_standard``: ``PMID<TAB>CPR:n<TAB>Arg1:Tn<TAB>Arg2:Tm`` (the evaluated groups only).

The pair view follows BLURB's recipe (its ``data_generation`` scripts): sentences of
``title<TAB>abstract`` by Punkt, split again at tabs; every chemical x gene pair inside one
sentence; label = the relations file's group when it is one of CPR:3/4/5/6/9 (the last line for
a pair wins), else ``false``; arguments masked ``@CHEMICAL$`` / ``@GENE$`` (``@CHEM-GENE$`` when
they overlap); id ``PMID.<first>.<second>`` with the arguments in text order.

BLUE scores ChemProt on rows of its own (``blue/gs/create_chemprot_test_gs.py``): every
chemical x gene pair of an abstract, in or across sentences, with one row per gold-standard
relation of the pair (a pair with two gold labels is written twice) and one ``false`` row for a
pair without one. :func:`blue_rows` rebuilds them from the entities and gold-standard files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bioeval.errors import DataFileError
from bioeval.tasks.core.schemas import Entity, KBRecord, Passage, Relation, TextRecord
from bioeval.tasks.core.validate import check_kb
from bioeval.tasks.readers.masking import Argument, mask_pair
from bioeval.tasks.readers.text_files import read_tsv

ENTITY_TYPES = ("CHEMICAL", "GENE-Y", "GENE-N")
GROUPS = tuple(f"CPR:{n}" for n in range(11))  # CPR:0 to CPR:10, as the guidelines define them
EVALUATED_GROUPS = ("CPR:3", "CPR:4", "CPR:5", "CPR:6", "CPR:9")
NEGATIVE = "false"
SentenceSplitter = Callable[[str], list[str]]


@dataclass(frozen=True)
class ChemProtFiles:
    abstracts: Path
    entities: Path
    relations: Path


def read_abstracts(path: Path) -> dict[str, tuple[str, str]]:
    abstracts: dict[str, tuple[str, str]] = {}
    for line, (pmid, title, abstract) in read_tsv(path, 3):
        if pmid in abstracts:
            raise DataFileError(path, f"PMID {pmid} appears twice", line)
        abstracts[pmid] = (title, abstract)
    return abstracts


def read_entities(path: Path) -> dict[str, list[Entity]]:
    entities: dict[str, list[Entity]] = {}
    for line, (pmid, entity_id, kind, start, end, text) in read_tsv(path, 6):
        if kind not in ENTITY_TYPES:
            raise DataFileError(path, f"entity type {kind!r}; expected one of {ENTITY_TYPES}", line)
        if not (start.isdigit() and end.isdigit()):
            raise DataFileError(path, f"offsets {start!r} {end!r}; expected integers", line)
        entities.setdefault(pmid, []).append(
            Entity(id=entity_id, type=kind, text=(text,), offsets=((int(start), int(end)),))
        )
    return entities


def read_relations(path: Path) -> dict[str, list[Relation]]:
    """Relations of ``*_relations*.tsv`` (6 columns) or ``*_gold_standard.tsv`` (4 columns)."""
    relations: dict[str, list[Relation]] = {}
    lines = read_tsv(path, 4) if path.name.endswith("gold_standard.tsv") else read_tsv(path, 6)
    for line, fields in lines:
        pmid, group, arg1, arg2 = fields[0], fields[1], fields[-2], fields[-1]
        if (
            not group.startswith("CPR:")
            or not arg1.startswith("Arg1:")
            or not arg2.startswith("Arg2:")
        ):
            raise DataFileError(path, "expected PMID, CPR:n, ..., Arg1:Tn, Arg2:Tm", line)
        if group not in GROUPS:
            raise DataFileError(path, f"relation group {group!r}; expected one of CPR:0 to CPR:10", line)
        found = relations.setdefault(pmid, [])
        found.append(Relation(f"{pmid}-R{len(found)}", group, arg1[5:], arg2[5:]))
    return relations


def read_documents(files: ChemProtFiles) -> list[KBRecord]:
    """KB records: title and abstract passages, entities, every relation of the relations file."""
    entities = read_entities(files.entities)
    relations = read_relations(files.relations)
    records = []
    for pmid, (title, abstract) in read_abstracts(files.abstracts).items():
        passages = (
            Passage(f"{pmid}-title", "title", (title,), ((0, len(title)),)),
            Passage(
                f"{pmid}-abstract",
                "abstract",
                (abstract,),
                ((len(title) + 1, len(title) + 1 + len(abstract)),),
            ),
        )
        records.append(
            KBRecord(
                id=pmid,
                document_id=pmid,
                passages=passages,
                entities=tuple(entities.get(pmid, ())),
                relations=tuple(relations.get(pmid, ())),
            )
        )
    pmids = {record.id for record in records}
    for path, found in ((files.entities, entities), (files.relations, relations)):
        unknown = sorted(set(found) - pmids)
        if unknown:
            raise DataFileError(path, f"PMID {unknown[0]} has no abstract in {files.abstracts.name}")
    for record in records:  # offsets match the text, relation arguments name entities
        check_kb(record, f"{files.entities}, {files.relations}")
    return records


def punkt_sentences(text: str) -> list[str]:
    """NLTK's Punkt with default (untrained) parameters: reproducible without model downloads."""
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    return PunktSentenceTokenizer().tokenize(text)


def blurb_pairs(
    documents: Sequence[KBRecord], split_sentences: SentenceSplitter = punkt_sentences
) -> list[TextRecord]:
    """BLURB's ChemProt sentence pairs of KB documents (see the module docstring)."""
    pairs: list[TextRecord] = []
    for document in documents:
        title, abstract = (passage.text[0] for passage in document.passages)
        text = f"{title}\t{abstract}"
        labels = _pair_labels(document.relations)
        cursor = 0
        for chunk in split_sentences(text):
            for sentence in chunk.split("\t"):
                start = text.find(sentence, cursor)
                end = start + len(sentence)
                cursor = end
                pairs.extend(_sentence_pairs(document, sentence, start, end, labels))
    return pairs


def _pair_labels(relations: Sequence[Relation]) -> Mapping[tuple[str, str], str]:
    labels: dict[tuple[str, str], str] = {}
    for relation in relations:
        group = relation.type if relation.type in EVALUATED_GROUPS else NEGATIVE
        labels[(relation.arg1_id, relation.arg2_id)] = group
    return labels


def _sentence_pairs(
    document: KBRecord,
    sentence: str,
    start: int,
    end: int,
    labels: Mapping[tuple[str, str], str],
) -> list[TextRecord]:
    inside = [e for e in document.entities if start <= e.offsets[0][0] and e.offsets[0][1] <= end]
    chemicals = [e for e in inside if e.type == "CHEMICAL"]
    genes = [e for e in inside if e.type != "CHEMICAL"]
    pairs = []
    for chemical in chemicals:
        for gene in genes:
            first, second = (
                (chemical, gene)
                if chemical.offsets[0][0] < gene.offsets[0][0]
                else (gene, chemical)
            )
            label = labels.get((first.id, second.id), labels.get((second.id, first.id), NEGATIVE))
            masked = mask_pair(
                sentence,
                _argument(first, start),
                _argument(second, start),
                overlap_mask="CHEM-GENE",
                touching_overlaps=False,
            )
            pair_id = f"{document.id}.{first.id}.{second.id}"
            pairs.append(
                TextRecord(id=pair_id, document_id=document.id, text=masked, labels=(label,))
            )
    return pairs


def _argument(entity: Entity, sentence_start: int) -> Argument:
    start, end = entity.offsets[0]
    mask = "CHEMICAL" if entity.type == "CHEMICAL" else "GENE"
    return Argument(start - sentence_start, end - sentence_start, mask)


@dataclass(frozen=True)
class BlueRows:
    """One chemical x gene pair of BLUE's ChemProt rows: the pair-view id that predicts it and
    the gold label of each of its rows."""

    pair_id: str  # PMID.<first>.<second>, the arguments in text order, as the pair view names it
    labels: tuple[str, ...]


def blue_rows(entities_path: Path, gold_standard_path: Path) -> list[BlueRows]:
    """BLUE's ChemProt rows of one split (see the module docstring), pair by pair."""
    entities = read_entities(entities_path)
    gold = read_relations(gold_standard_path)
    rows = []
    for pmid, found in entities.items():
        by_pair: dict[tuple[str, str], list[str]] = {}
        for relation in gold.get(pmid, ()):
            by_pair.setdefault((relation.arg1_id, relation.arg2_id), []).append(relation.type)
        chemicals = [e for e in found if e.type == "CHEMICAL"]
        genes = [e for e in found if e.type != "CHEMICAL"]
        for chemical in chemicals:
            for gene in genes:
                first, second = (chemical, gene) if chemical.offsets[0][0] < gene.offsets[0][0] else (gene, chemical)
                labels = tuple(by_pair.get((chemical.id, gene.id), ())) or (NEGATIVE,)
                rows.append(BlueRows(f"{pmid}.{first.id}.{second.id}", labels))
    return rows
