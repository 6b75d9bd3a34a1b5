"""The library reference pages: every part gets one, listing its formula, figure and check modules."""

import importlib

import edl
from edl.core import reference


def test_every_part_page_documents_its_formula_and_check_modules():
    for part in ("convolution", "diffusion", "probability"):
        page = reference.page(part)
        for module in reference.formula_modules(part):
            assert f".. automodule:: {module.__name__}\n   :members:\n" in page
        assert f".. automodule:: edl.{part}.checks." in page and ":undoc-members:" in page
        assert f"</notebooks/{importlib.import_module(f'edl.{part}').NOTEBOOK}>" in page


def test_write_pages_writes_an_index_and_one_page_per_part(tmp_path):
    written = reference.write_pages(tmp_path)
    assert [p.name for p in written] == ["index.md", *(f"{part}.md" for part in edl.PARTS)]
    index = (tmp_path / "index.md").read_text()
    assert all(f"{{doc}}`edl.{part} <{part}>`" in index for part in edl.PARTS)


def test_implementations_map_ids_to_the_functions_labelled_with_them():
    found = reference.implementations()
    assert found["bg.markov"] == ["edl.probability.basics.markov_bound"]
    assert "edl.optimization.descent.optimal_contraction" in found["gd.rate-strongly-convex"]
    assert reference.labels_of(edl.connectionism.hopfield.unstable_fraction) == ["hopfield.capacity-0138"]
