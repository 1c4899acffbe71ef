"""A default is said once, in the package: every default the book quotes is checked against the
catalogue (optimlab.optimizers.catalogue), so a default changed in the package alone fails here
until the pages say the new value.

The scan: every sentence of a page (and every line of its code) that has the word "default"
and a digit must hold a snippet registered below, either in QUOTES (with the optimizer,
hyperparameter and value it quotes, which must be the catalogue's default) or in NOT_QUOTES
(with the reason it quotes no default of the package: another library's, the page's own
setting, a step count). A new sentence that quotes a default fails until it is registered.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from optimlab.optimizers import catalogue

BOOK = Path(__file__).resolve().parents[1] / "book"
CATALOGUE = catalogue()["optimizers"]

# (page, snippet, [(optimizer, hyperparameter or "name[i]", the value as the snippet writes it)])
QUOTES = [
    ("adafactor", r"$\tau = -0.8$ by default", [("adafactor", "beta2_decay", "-0.8")]),
    ("adafactor", r"With the default $d = 1$ the root mean square", [("adafactor", "d", "1")]),
    ("adafactor", r"The bounds are for the defaults ($\beta_1, \beta_2$ = 0.9, 0.999 and $d = 1$)",
     [("adam", "betas", "0.9, 0.999"), ("adafactor", "d", "1")]),
    ("adagrad", "EPS = 1e-10   # ε, added to the root (PyTorch's default)",
     [("adagrad", "eps", "1e-10")]),
    ("adagrad", r"$\epsilon$ (default $10^{-10}$), initial accumulator value $s_0$ (default 0), "
                r"learning-rate decay $\delta$ (default 0), weight decay $\lambda$ (default 0)",
     [("adagrad", "eps", "10^{-10}"), ("adagrad", "initial_accumulator_value", "0"),
      ("adagrad", "lr_decay", "0"), ("adagrad", "weight_decay", "0")]),
    ("adam", r"With the defaults $\beta_1 = 0.9$ and $\beta_2 = 0.999$",
     [("adam", "betas[0]", "0.9"), ("adam", "betas[1]", "0.999")]),
    ("adam", r"$\epsilon > 0$ (default $10^{-8}$)", [("adam", "eps", "10^{-8}")]),
    ("ademamix", r"much slower ($\beta_3 = 0.9999$ by default)",
     [("ademamix", "betas[2]", "0.9999")]),
    ("adam", r"for the default $\epsilon = 10^{-8}$", [("adam", "eps", "10^{-8}")]),
    ("adopt", r"| default $\beta_2$, $\epsilon$ | 0.999, $10^{-8}$ | 0.9999, $10^{-6}$ |",
     [("adam", "betas[1]", "0.999"), ("adam", "eps", "10^{-8}"),
      ("adopt", "betas[1]", "0.9999"), ("adopt", "eps", "10^{-6}")]),
    ("adopt", r"(Adam 0.999 and $10^{-8}$, ADOPT 0.9999 and $10^{-6}$)",
     [("adam", "betas[1]", "0.999"), ("adam", "eps", "10^{-8}"),
      ("adopt", "betas[1]", "0.9999"), ("adopt", "eps", "10^{-6}")]),
    ("comparison", r"Adam at PyTorch's default $\eta = 10^{-3}$", [("adam", "lr", "10^{-3}")]),
    ("comparison", "# PyTorch's defaults: η = 0.001, β = (0.9, 0.999)",
     [("adam", "lr", "0.001"), ("adam", "betas", "(0.9, 0.999)")]),
    ("comparison", 'print(f"Adam, default η = 0.001:', [("adam", "lr", "0.001")]),
    ("comparison", r"times PyTorch's default $10^{-3}$", [("adam", "lr", "10^{-3}")]),
    ("comparison", r"At the default, Adam ends {glue:text}`adam_default_dist:.3g` from the "
                   r"minimum, having barely started (100 steps of at most $10^{-3}$ each",
     [("adam", "lr", "10^{-3}")]),
    ("convergence", r"the default $\beta_2 = 0.999$ averages", [("adam", "betas[1]", "0.999")]),
    ("convergence", r"PyTorch's default betas $(0.9, 0.999)$",
     [("adam", "betas", "(0.9, 0.999)")]),
    ("convergence", r"The default $\beta_2 = 0.999$ makes", [("adam", "betas[1]", "0.999")]),
    ("gradient_descent", r"Its learning rate has a default too, $10^{-3}$",
     [("sgd", "lr", "10^{-3}")]),
    ("gradient_descent", "With their defaults (0) it reduces",  # momentum and weight decay
     [("sgd", "momentum", "0"), ("sgd", "weight_decay", "0")]),
    ("intro", r"`ol.sgd` has a default learning rate, $10^{-3}$", [("sgd", "lr", "10^{-3}")]),
    ("intro", r"the default $\beta_1 = 0.9$ only", [("adam", "betas[0]", "0.9")]),
    ("limits", r"the defaults $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$",
     [("adam", "betas[0]", "0.9"), ("adam", "betas[1]", "0.999"), ("adam", "eps", "10^{-8}")]),
    ("limits", r"a thousand for the default $\beta_2 = 0.999$", [("adam", "betas[1]", "0.999")]),
    ("limits", r"With the default $\beta_2 = 0.999$, the steps", [("adam", "betas[1]", "0.999")]),
    ("momentum", r"$\beta = 0.9$, the usual default", [("ewma_momentum", "beta", "0.9")]),
    ("momentum", "the `dampening` option, 0 by default", [("sgd", "dampening", "0")]),
    ("nadam_radam", "with $\\psi$ as its `momentum_decay` (0.004 by default)",
     [("nadam", "momentum_decay", "0.004")]),
    ("rmsprop", r"PyTorch's default $\alpha = 0.99$", [("rmsprop", "alpha", "0.99")]),
    ("schedule_free", r"With the defaults $r = 0$ and $p = 2$",
     [("schedule_free_adamw", "r", "0"), ("schedule_free_adamw", "weight_lr_power", "2")]),
    ("sensitivity", r"For the defaults $(0.9, 0.999)$", [("adam", "betas", "(0.9, 0.999)")]),
    ("sensitivity", r"The default $\beta_2 = 0.999$ is far", [("adam", "betas[1]", "0.999")]),
    ("sensitivity", r"The defaults $(0.9, 0.999)$ are far", [("adam", "betas", "(0.9, 0.999)")]),
    ("training", r"PyTorch's defaults ($\alpha = 0.99$; $\beta_1, \beta_2 = 0.9, 0.999$; "
                 r"$\epsilon = 10^{-8}$), and AdamW its default decoupled weight decay "
                 r"$\lambda = 0.01$",
     [("rmsprop", "alpha", "0.99"), ("adam", "betas", "0.9, 0.999"),
      ("adam", "eps", "10^{-8}"), ("adamw", "weight_decay", "0.01")]),
]

# Quantities computed from defaults: (page, snippet, what, function of the catalogue, written).
DERIVED = [
    ("adam", r"as for the defaults ($\gamma \approx 0.81$)", "Adam's beta1^2 / beta2",
     lambda d: d("adam", "betas[0]") ** 2 / d("adam", "betas[1]"), "0.81"),
    ("sensitivity", r"far on the safe side of $\beta_1^2 = 0.81$", "Adam's beta1^2",
     lambda d: d("adam", "betas[0]") ** 2, "0.81"),
]

# Sentences with "default" and a digit that quote no default of the package.
NOT_QUOTES = [
    ("adam", "Evaluate it at $t = 1, 10, 100, 1000$ for the defaults",
     "step numbers (the values are the defaults' own, quoted elsewhere on the page)"),
    ("ademamix", r"AdEMAMix with its defaults ($\alpha$, $\beta_3$ as set above)",
     "no value quoted (the digit is beta3's index)"),
    ("ademamix", "the package, as `pytorch-optimizer`, by default (`weight_decouple` = "
                 "{glue:text}`mix-pkg-decouple`)",
     "the default is glued from the package (the digit is the paper's Algorithm 1)"),
    ("adopt", "The clip is the authors' default in `torch-adopt`",
     "the clip (t - 1)^(1/4) is not a hyperparameter"),
    ("benchmarks", "every optimizer keeps its defaults except the learning rate",
     "the benchmark's rules; the digit is the warm-up's share of the budget"),
    ("clipping", r"feeds Adam ($\eta = 0.001$, default betas)",
     "the page sets eta itself; the betas' values are not quoted"),
    ("comparison", r"whose $\eta$ alone is tuned (default $\beta$'s)", "no value quoted"),
    ("intro", "(version 2.13) in their names, keyword arguments, defaults and update rules",
     "a version number"),
    ("landscapes", r"and $\epsilon$ at PyTorch's defaults", "no value quoted"),
    ("nadam_radam", "Run NAdam with `momentum_decay=1e4` and with the default",
     "an exercise's setting, not a default"),
    ("nadam_radam", r"With the default, $\mu_t$ stays near $\beta_1/2$",
     "a fraction of beta1, not a default"),
    ("nadam_radam", r"passes three quarters of $\beta_1$ only at step",
     "a fraction of beta1 and a step number, not a default"),
    ("nadam_radam", r"as the authors' code does by default), which tests",
     "the authors' code's behaviour, no value quoted (the digit is rho_t's threshold)"),
    ("nadam_radam", r"{glue:text}`nr_ex_default:.4f` with the default $\psi$",
     "a glued distance, no value quoted"),
    ("nadam_radam", r"(torch; the authors' code by default skips these steps",
     "the authors' code's behaviour; the digits are thresholds and beta2's value"),
    ("practice", "flat = epsilons[np.abs(final_distance / default - 1) < 0.01]",
     "a variable named default"),
    ("practice", "1 % of the default-ε run up to ε = 1e-4", "a gated claim about the page's run"),
    ("practice", r"(default $10^{-7}$ in `tf.keras.optimizers.Adam`, $10^{-8}$ in "
                 r"`tf.compat.v1.train.AdamOptimizer`",
     "Keras's and TensorFlow 1's defaults, not the package's"),
    ("practice", "The final distance stays within 1 % of the default's",
     "no value quoted (the digit is a percentage)"),
    ("practice", "default β's and ε, `t = 5`", "no value quoted (the digit is a step count)"),
    ("weight_decay", r"the default $\beta$'s, for", "no value quoted (the digits are the start)"),
]

ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
WORD = re.compile(r"(?<![\w-])defaults?(?![\w(])(?!\s*=)", re.I)
FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
CODE = ("{code-cell}", "python", "py", "sh", "bash", "text", "console")


def blocks(text: str):
    """A page's prose paragraphs (lines joined) and the lines of its code, in order."""
    stack, paragraph = [], []
    for line in text.splitlines():
        fence = FENCE.match(line)
        if fence:
            if paragraph:
                yield " ".join(paragraph)
                paragraph = []
            ticks, rest = fence.groups()
            if stack and stack[-1][0] == ticks and not rest.strip():
                stack.pop()
            else:
                stack.append((ticks, rest.strip().startswith(CODE)))
        elif stack and stack[-1][1]:
            yield line
        elif not line.strip() or line.lstrip().startswith(":"):
            if paragraph:
                yield " ".join(paragraph)
                paragraph = []
        else:
            paragraph.append(line.strip())
    if paragraph:
        yield " ".join(paragraph)


def sentences(text: str):
    for block in blocks(text):
        yield from re.split(r"(?<=[.?!])\s+(?=[A-Z(*$`{-])", block)


def quoting_sentences(page: str) -> list[str]:
    """The sentences of a page with the word default and a digit (roles like glue left out)."""
    return [s for s in sentences((BOOK / f"{page}.md").read_text())
            if WORD.search(ROLE.sub("", s)) and re.search(r"\d", ROLE.sub("", s))]


def default(optimizer: str, name: str):
    """The catalogue's default of a hyperparameter, or of one entry of a pair (``betas[1]``)."""
    base, _, index = name.partition("[")
    entry = next(h for h in CATALOGUE[optimizer]["hyperparameters"] if h["name"] == base)
    value = entry["default"]
    return value[int(index[:-1])] if index else value


def parse(written: str):
    """A value as a page writes it: 0.999, 10^{-8}, (0.9, 0.999), 0.9, 0.999."""
    text = re.sub(r"10\^\{(-?\d+)\}", r"1e\1", written)
    value = ast.literal_eval(text if not text.startswith("(") else text)
    return list(value) if isinstance(value, tuple) else value


def page_text(page: str) -> str:
    return "\n".join(blocks((BOOK / f"{page}.md").read_text()))


@pytest.mark.parametrize("page, snippet, quotes", QUOTES,
                         ids=[f"{p}-{i}" for i, (p, _, _) in enumerate(QUOTES)])
def test_each_quoted_default_is_the_packages(page, snippet, quotes):
    assert snippet in page_text(page), f"{page} no longer says {snippet!r}: update QUOTES"
    for optimizer, name, written in quotes:
        assert written in snippet
        assert parse(written) == default(optimizer, name), (
            f"{page} quotes {optimizer}'s default {name} as {written}; the package's is "
            f"{default(optimizer, name)!r}")


@pytest.mark.parametrize("page, snippet, what, compute, written", DERIVED,
                         ids=[f"{p}-{w}" for p, _, w, _, _ in DERIVED])
def test_each_quantity_quoted_from_the_defaults_is_theirs(page, snippet, what, compute, written):
    assert snippet in page_text(page)
    digits = len(written.split(".")[1])
    assert round(compute(default), digits) == float(written), (page, what)


def test_every_sentence_that_quotes_a_default_is_registered():
    registered = {}
    for page, snippet, *_ in QUOTES + DERIVED + NOT_QUOTES:
        registered.setdefault(page, []).append(snippet)
    unregistered = [(page.stem, sentence) for page in sorted(BOOK.glob("*.md"))
                    for sentence in quoting_sentences(page.stem)
                    if not any(s in sentence for s in registered.get(page.stem, []))]
    assert not unregistered, (
        "these sentences quote a default: add them to QUOTES in tests/test_book_defaults.py "
        f"(or to NOT_QUOTES, with the reason): {unregistered}")


def test_every_snippet_not_a_quote_is_still_on_its_page():
    for page, snippet, reason in NOT_QUOTES:
        assert snippet in page_text(page), (page, snippet, reason)
