"""--plots: one box plot per metric (PNG and SVG), embedded in the HTML page; matplotlib optional."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from bioeval.cli import main
from bioeval.report.data import load_runs
from bioeval.report.plots import deltas_by_metric
from report_fixtures import FAKE_MODEL, read_rows

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_plots_beside_the_report_and_inline_in_html(model_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "paper.html"
    assert main(["report", str(model_run), "--format", "html", "--output", str(out), "--plots"]) == 0
    metrics = sorted({r["metric"] for r in read_rows(model_run)})
    for metric in metrics:
        png = tmp_path / f"paper_{metric}.png"
        assert png.read_bytes().startswith(PNG_SIGNATURE) and png.stat().st_size > 5000
        assert (tmp_path / f"paper_{metric}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg") == len(metrics) + 1 and "<?xml" not in page  # and Figure 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["paper.html"] + [f"paper_{m}.{ext}" for m in [*metrics, "figure3"] for ext in ("png", "svg")])


def test_plotted_values_are_score_minus_baseline_on_the_same_prompt(model_run: Path) -> None:
    rows = read_rows(model_run)
    baseline = {(r["task"], r["prompt"], r["metric"]): r["value"] for r in rows if r["model"] == "majority"}
    groups = deltas_by_metric(load_runs([model_run]).rows)
    expected = [r["value"] - (baseline[(r["task"], r["prompt"], r["metric"])] or 0.0)
                for r in rows if r["model"] == FAKE_MODEL and r["task"] == "gad" and r["metric"] == "accuracy"]
    assert groups["accuracy"][("gad", FAKE_MODEL)] == pytest.approx(expected)
    assert all(model == FAKE_MODEL for by_task in groups.values() for _, model in by_task)  # no baseline box


def test_plots_dir_and_determinism(model_run: Path, tmp_path: Path) -> None:
    for attempt in ("a", "b"):
        assert main(["report", str(model_run), "--metric", "micro_f1", "--plots", "--plots-dir",
                     str(tmp_path / attempt), "--format", "csv", "--output", str(tmp_path / f"{attempt}.csv")]) == 0
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["a_micro_f1.png", "a_micro_f1.svg"]
    assert (tmp_path / "a" / "a_micro_f1.svg").read_bytes() == (tmp_path / "b" / "b_micro_f1.svg").read_bytes()
    assert (tmp_path / "a" / "a_micro_f1.png").read_bytes() == (tmp_path / "b" / "b_micro_f1.png").read_bytes()


def test_without_matplotlib_plots_fail_with_an_install_hint(
    model_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.backends.backend_agg", None)  # as if not installed
    capsys.readouterr()
    assert main(["report", str(model_run), "--plots", "--plots-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        "bioeval: error: --plots needs matplotlib; install it with: pip install 'bioeval-harness[plots]'\n")
    assert list(tmp_path.iterdir()) == []


def test_baseline_only_runs_plot_nothing_and_say_so(majority_run: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["report", str(majority_run), "--plots", "--plots-dir", str(tmp_path)]) == 0
    assert "no model besides the majority baseline" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_markdown_links_the_plots_relative_to_the_report(model_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.md"
    assert main(["report", str(model_run), "--metric", "pearson", "--plots", "--plots-dir",
                 str(tmp_path / "figures"), "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.rstrip().endswith("](../figures/report_pearson.png)")
    assert (tmp_path / "figures" / "report_pearson.png").read_bytes().startswith(PNG_SIGNATURE)
