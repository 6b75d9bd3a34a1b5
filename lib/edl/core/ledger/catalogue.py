"""The catalogue of formulas and seed errata (a copy of the shared inventory, kept as package data)."""

import csv
import importlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import edl

CHAPTER_TITLES = {
    1: "Connectionism", 2: "Feedforward networks", 3: "Gradient-based learning",
    4: "Convolutional networks", 5: "Recurrent networks", 6: "Attention and transformers",
    7: "Geometric deep learning", 8: "Tricks of the trade", 9: "Theory of deep networks",
    10: "Generative models", 11: "Robustness, interpretability and fairness",
}


@dataclass(frozen=True)
class CatalogueFormula:
    id: str
    chapter: int
    section: str


@dataclass(frozen=True)
class CatalogueErratum:
    key: str
    id: str
    chapter: int
    seeds: str
    severity: str
    what: str


def _rows(name: str) -> list[dict]:
    text = files("edl.core.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))


@cache
def formulas() -> dict[str, CatalogueFormula]:
    """All catalogue formulas by id, in catalogue order."""
    return {r["id"]: CatalogueFormula(r["id"], int(r["chapter"]), r["section"]) for r in _rows("formulas.tsv")}


@cache
def errata() -> dict[str, CatalogueErratum]:
    """All catalogued seed errata by key, in catalogue order."""
    return {
        r["key"]: CatalogueErratum(r["key"], r["id"], int(r["chapter"]), r["seeds"], r["severity"], r["what"])
        for r in _rows("errata.tsv")
    }


def complete_parts() -> dict[str, tuple[str, ...]]:
    """Every part of the book, by notebook: the catalogue id prefixes it states (its ``PREFIXES``).

    A part in :data:`edl.PARTS` is written in full: a test asserts that every catalogue id under its
    prefixes is registered, stated in its notebook and passing, and that each of its errata is
    demonstrated.
    """
    parts = [importlib.import_module(f"edl.{part}") for part in edl.PARTS]
    return {part.NOTEBOOK: tuple(part.PREFIXES) for part in parts}


COMPLETE_PARTS = complete_parts()


def ids_of_part(notebook: str) -> list[str]:
    """The catalogue ids a complete part of the book states."""
    if notebook not in COMPLETE_PARTS:
        raise ValueError(f"notebook must name a complete part of the book, got {notebook!r}")
    return [i for i in formulas() if i.startswith(COMPLETE_PARTS[notebook])]
