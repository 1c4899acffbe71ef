"""One colour per optimizer, the same in every animation and still figure of the book.

:data:`OPTIMIZER_COLOURS` maps each optimizer the book has, or will have, to a colour of its own.
:func:`colour_for` finds it from a label as pages write it ("gradient descent", "Adam, η = 0.2",
"EWMA momentum"); :func:`colours_for` colours a whole set of labels, giving those that name no
optimizer (a sweep such as "η = 0.02", "η = 0.19") the colours of :data:`SWEEP_COLOURS` in
order, so that a page that computes it once for all its labels and passes it to every figure
colours each path alike everywhere. :func:`sweep_colours` gives the same sequence for a sweep
whose labels do name its optimizer ("Adam, β₂ = 0.99", "Adam, β₂ = 0.999").

The nineteen colours (eighteen named, one spare) were chosen by a maximin search, then checked:
each has a contrast ratio of at least 3:1 (WCAG's bar for graphics) against the white page and
against the dark theme's page (#14181e), so that a line is visible on either; and any two differ
by at least 12.6 in CIELAB ΔE*ab for normal vision and under simulated deuteranopia, protanopia
and tritanopia (Machado et al. 2009, full severity), and the first eight (SGD to AMSGrad) by at
least 15 (tests/plotting/test_colours.py). The band of luminance that contrasts with both pages
is narrow: five more colours fitted only once Lion's moved a little (#6296e1 to #7391e1); the
other thirteen are as they were. Figures still label every path in the legend, so colour is
never the only cue.

Adding an optimizer is one line here: its name and a colour, a spare one or one that passes the
tests; tests/test_registry.py fails while an optimizer of the package has no colour.

The six sweep colours were found by the same kind of search among the colours that pass the
same contrast bar and keep a ΔE*ab of at least 8 from the colours of the first fourteen optimizers
(SGD to ADOPT) under all four kinds of vision (15 for normal vision): any two differ by at least
22. Two pairs come closer (the first sweep colour and Schedule-Free AdamW's, the third and the
spare): a figure showing the optimizer skips that sweep colour.

Example:
    >>> from optimlab.plotting import colour_for, colours_for
    >>> colour_for("Adam") == colour_for("adam, η = 0.2") == "#d55e00"
    True
    >>> colour_for("gradient descent") == colour_for("SGD")
    True
    >>> colours_for(["η = 0.02", "Adam", "η = 0.19"])
    {'η = 0.02': '#a537a5', 'Adam': '#d55e00', 'η = 0.19': '#2d782d'}
    >>> sweep_colours(3)
    ['#a537a5', '#2d782d', '#3773eb']
    >>> colour_for("schedule_free_adamw") == colour_for("Schedule-Free AdamW, η = 0.01")
    True
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Iterable, Mapping

__all__ = ["OPTIMIZER_COLOURS", "SPARE_COLOURS", "SWEEP_COLOURS", "colour_for", "colours_for",
           "sweep_colours"]

OPTIMIZER_COLOURS: Mapping[str, str] = MappingProxyType({
    "SGD": "#666666",        # plain gradient descent: the neutral baseline
    "Momentum": "#0072b2",
    "Nesterov": "#8e80f8",
    "AdaGrad": "#009e73",
    "RMSProp": "#cc79a7",
    "Adam": "#d55e00",
    "AdamW": "#a5522d",
    "AMSGrad": "#709e5a",
    # Reserved for the optimizers being added, so that their arrival recolours nothing.
    "NAdam": "#ac4408",
    "RAdam": "#8e5287",
    "Adamax": "#78624b",
    "Adafactor": "#9e963c",
    "Lion": "#7391e1",
    "ADOPT": "#625aca",
    "Schedule-Free AdamW": "#af23a0",
    "AdEMAMix": "#783ce6",
    "Muon": "#9b87c3",
    "signSGD": "#8c00ff",
})
"""The colour of each optimizer, by its name in ``torch.optim`` (or its paper). A name matches
its function's name with words joined by underscores (``schedule_free_adamw``)."""

SPARE_COLOURS: tuple[str, ...] = ("#9b5fff",)
"""Colours checked with the others but not yet given to an optimizer: the next one can take
one."""

SWEEP_COLOURS: tuple[str, ...] = ("#a537a5", "#2d782d", "#3773eb", "#d27878", "#78910a", "#8c6987")
"""The colours of a sweep (one optimizer at several settings), in order: none is an optimizer's."""

# The narrow band of colours that contrast with both pages could not hold nineteen palette colours
# and six sweep colours all far apart: these two pairs are closer than the sweep's bar (a ΔE*ab of 8
# under some kind of vision, or of 15 for normal vision). A figure that shows one of these
# optimizers (or the spare colour) skips the sweep colour beside it (tests/plotting/test_colours.py
# computes the pairs and checks this table).
_SWEEP_CLASHES: Mapping[str, frozenset[str]] = MappingProxyType({
    "#a537a5": frozenset({"#af23a0"}),   # sweep 1 and Schedule-Free AdamW
    "#3773eb": frozenset({"#9b5fff"}),   # sweep 3 and the spare colour
})

# Other ways pages name the same optimizers (lower case; matched before the canonical names).
_ALIASES = {
    "gradient descent": "SGD",
    "gd": "SGD",
    "steepest descent": "SGD",
    "sgd with momentum": "Momentum",
    "ewma momentum": "Momentum",
    "heavy ball": "Momentum",
    "heavy-ball": "Momentum",
    "polyak momentum": "Momentum",
    "nesterov momentum": "Nesterov",
    "nag": "Nesterov",
    "rmsprop": "RMSProp",
    # the catalogue's class names, as the benchmark page labels its runs
    "ewmamomentum": "Momentum",
    "schedulefreeadamw": "Schedule-Free AdamW",
}
def _words(label: str) -> str:
    """A label with its words joined by single spaces, lower case: "Schedule-Free AdamW",
    "schedule_free_adamw" and "schedule free  adamw" all read "schedule free adamw"."""
    return re.sub(r"[\s_-]+", " ", label).strip().lower()


_NAMES = {**{_words(name): name for name in OPTIMIZER_COLOURS},
          **{_words(alias): name for alias, name in _ALIASES.items()}}
# Longest first, so that "AdamW" is not read as "Adam" followed by a "W".
_PATTERN = re.compile(
    r"(" + "|".join(re.escape(n) for n in sorted(_NAMES, key=len, reverse=True)) + r")(?!\w)")
# Labels that name no optimizer take colours in this order: the sweep colours, then the reserved
# ones, so that a sweep on a page of part 1 does not borrow the colour of an optimizer the reader
# already knows.
_OTHER_COLOURS = (*SWEEP_COLOURS, *list(OPTIMIZER_COLOURS.values())[8:], *SPARE_COLOURS,
                  *list(OPTIMIZER_COLOURS.values())[:8])


def _optimizer_named(label: str) -> str | None:
    match = _PATTERN.match(_words(label))
    return _NAMES[match.group(1)] if match else None


def colour_for(label: str) -> str:
    """The colour of the optimizer that ``label`` starts with.

    A label names an optimizer when it starts with the optimizer's name or a common alias, in
    any case, followed by nothing or by a non-letter: "Adam", "adam (η = 0.2)", "AdamW, λ = 0.1",
    "gradient descent" and "GD" all do; "Adamant" and "η = 0.19" do not.

    Args:
        label: a legend label.

    Returns:
        The colour as ``"#rrggbb"``.

    Raises:
        ValueError: if the label names no optimizer (use :func:`colours_for` to colour those).
    """
    if not isinstance(label, str):
        raise ValueError(f"label must be a string; got {label!r}")
    name = _optimizer_named(label)
    if name is None:
        raise ValueError(f"label must start with an optimizer's name ({', '.join(_NAMES)}); "
                         f"got {label!r}; colours_for(labels) colours other labels")
    return OPTIMIZER_COLOURS[name]


def colours_for(labels: Iterable[str]) -> dict[str, str]:
    """A distinct colour for each label: the optimizer's own colour where a label names one.

    Labels are taken in order. One that names an optimizer (see :func:`colour_for`) gets its
    colour, unless an earlier label named the same optimizer and took it; every other label gets
    the next sweep colour (:data:`SWEEP_COLOURS`; one too close to an optimizer colour on the
    same figure is skipped), then, past six, the first optimizer colour not yet used. Passing the result to :func:`~optimlab.animate`,
    :func:`~optimlab.plot_paths` and :func:`~optimlab.plot_loss` (``colours=``), and using it
    in plain matplotlib figures, gives a page one colour per path.

    Args:
        labels: the legend labels, at most 25 distinct ones (as many as the sweep's and the
            palette's colours, spares included).

    Returns:
        ``{label: "#rrggbb"}`` in the order of ``labels``.

    Raises:
        ValueError: for a label that is not a string, or more distinct labels than colours.
    """
    labels = list(dict.fromkeys(labels))
    for label in labels:
        if not isinstance(label, str):
            raise ValueError(f"labels must be strings; got {label!r}")
    if len(labels) > len(_OTHER_COLOURS):
        raise ValueError(f"labels may hold at most {len(_OTHER_COLOURS)} distinct labels; "
                         f"got {len(labels)}")
    named = {label: _optimizer_named(label) for label in labels}
    # Exact names claim their optimizer's colour before labels that merely start with it.
    exact = sorted(labels, key=lambda label: _words(label) not in _NAMES)
    colours: dict[str, str] = {}
    taken: set[str] = set()
    for label in exact:
        name = named[label]
        if name is not None and OPTIMIZER_COLOURS[name] not in taken:
            colours[label] = OPTIMIZER_COLOURS[name]
            taken.add(colours[label])
    spare = iter(colour for colour in _OTHER_COLOURS if colour not in taken
                 and not _SWEEP_CLASHES.get(colour, frozenset()) & taken)
    for label in labels:
        if label not in colours:
            colours[label] = next(spare)
    return {label: colours[label] for label in labels}


def sweep_colours(n: int) -> list[str]:
    """The first ``n`` colours of :data:`SWEEP_COLOURS`, for ``n`` settings of one optimizer.

    The sequence is fixed, so the k-th setting of every sweep in the book has the same colour,
    and the first few colours are the most distinct (two settings get magenta and green).

    Raises:
        ValueError: unless ``n`` is a whole number from 1 to 6.
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(SWEEP_COLOURS):
        raise ValueError(f"n must be a whole number from 1 to {len(SWEEP_COLOURS)}; got {n!r}")
    return list(SWEEP_COLOURS[:n])
