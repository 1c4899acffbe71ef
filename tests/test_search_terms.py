"""_ext/search_terms.py: the ASCII names a section is found by in the site's search."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))
from search_terms import entries_for  # noqa: E402


def test_a_symbol_with_a_value_in_the_title_is_found_with_and_without_it():
    entries = entries_for("Why β₂ = 0.95 in large-model training?",
                          "Adam in practice: the questions people ask")
    assert {"beta2 0.95", "beta2", "beta_2", "adam beta2"} <= set(entries)


def test_tex_in_a_title_is_named_and_paired_with_the_pages_optimizer():
    entries = entries_for("Where \\epsilon goes", "Adam: direction and scale, both corrected")
    assert {"eps", "epsilon", "adam eps", "adam epsilon"} <= set(entries)
    assert not any(entry.startswith("adamw") for entry in entries)


def test_words_in_the_title_count_and_every_optimizer_named_is_paired():
    entries = entries_for("Weight decay: L2 inside Adam versus AdamW",
                          "Weight decay: L2 inside Adam versus AdamW")
    assert {"weight decay", "adam weight decay", "adamw weight decay"} <= set(entries)


def test_the_learning_rate_is_lr_and_beta_is_not_eta():
    assert "lr" in entries_for("Whose \\eta? The paper's AdamW and PyTorch's", "Weight decay")
    assert "lr" in entries_for('"3e-4" and the learning-rate range test', "Adam in practice")
    assert entries_for("Adam with \\beta_1 = 0", "Adam") == [
        "beta1", "beta1 0", "adam beta1", "beta_1", "beta_1 0", "adam beta_1"]


def test_a_title_without_a_symbol_has_no_entry():
    assert entries_for("Bias correction, step by step", "Momentum") == []
