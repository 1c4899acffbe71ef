"""The catalogue (optimlab.optimizers.catalogue) and from_options: the declarations each
optimizer and schedule makes, as JSON, are what Python enforces, message for message.

Every check in the catalogue is exercised from its JSON description alone: a value outside its
range, of the wrong type, a pair of the wrong length, and each constraint's violation must be
refused by from_options with exactly the catalogue's message (``{value}`` filled with the
value's repr, as Python writes it). So a check cannot say one thing to the explorer and do
another in Python.
"""

from __future__ import annotations

import ast
import inspect
import json
import re

import pytest
from registry import bad_values

import optimlab as ol
from optimlab import schedules
from optimlab._checks import fill
from optimlab.optimizers import catalogue, from_options

CATALOGUE = catalogue()
OPTIMIZERS = CATALOGUE["optimizers"]
SCHEDULES = CATALOGUE["schedules"]


def required_options(entry: dict, parameters: str = "hyperparameters") -> dict:
    """Values for the required parameters only (a learning rate, a number of steps)."""
    return {p["name"]: 100 if p["check"]["kind"] == "integer" else 0.1
            for p in entry[parameters] if p["required"]}


def every_check():
    for owner, entry, parameters in (
            [(name, e, "hyperparameters") for name, e in OPTIMIZERS.items()]
            + [(name, e, "parameters") for name, e in SCHEDULES.items()]):
        for parameter in entry[parameters]:
            yield owner, entry, parameters, parameter


CHECKS = list(every_check())


def test_the_catalogue_is_json_and_has_every_optimizer_and_schedule():
    text = json.dumps(CATALOGUE, allow_nan=False)
    assert json.loads(text) == CATALOGUE
    assert list(OPTIMIZERS) == [name for name in ol.optimizers.__all__
                                if hasattr(getattr(ol.optimizers, name), "made")]
    assert set(SCHEDULES) == {"constant", "step_decay", "exponential_decay", "cosine_decay",
                              "warmup_cosine"}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_each_default_is_the_one_the_optimizer_is_made_with(name):
    made = from_options(name, required_options(OPTIMIZERS[name]))
    assert type(made).__name__ == OPTIMIZERS[name]["class"]
    for parameter in OPTIMIZERS[name]["hyperparameters"]:
        if parameter["required"]:
            continue
        value = getattr(made, parameter["name"])
        default = parameter["default"]
        if parameter["check"]["kind"] == "tuple":  # None stands for a number (Adafactor's eps)
            default = [entry.get("none_means") if d is None else d
                       for d, entry in zip(default, parameter["check"]["entries"])]
            value = list(value)
        assert value == default, (name, parameter["name"])


@pytest.mark.parametrize("owner, entry, parameters, parameter", CHECKS,
                         ids=[f"{o}-{p['name']}" for o, _, _, p in CHECKS])
def test_every_bad_value_is_refused_with_the_catalogues_message(owner, entry, parameters,
                                                                parameter):
    make = (lambda options: from_options(owner, options)) if parameters == "hyperparameters" \
        else (lambda options: schedules.from_options({"schedule": owner, **options}))
    check = parameter["check"]
    cases = [(value, check["messages"][key]) for value, key in bad_values(check)]
    for index, entry_check in enumerate(check.get("entries", [])):
        for value, key in bad_values(entry_check):
            pair = [p if p is not None else 1e-3 for p in parameter["default"]]
            pair[index] = value
            cases.append((pair, entry_check["messages"][key], value))
    assert cases, parameter
    for case in cases:
        value, message = case[0], case[1]
        shown = case[2] if len(case) == 3 else value
        options = {**required_options(entry, parameters), parameter["name"]: value}
        with pytest.raises(ValueError) as refused:
            make(options)
        assert str(refused.value) == fill(message, shown), (owner, parameter["name"], value)


def violations():
    """For each constraint: options that meet its "if" and break its "require"."""
    yield "sgd", {"lr": 0.1, "nesterov": True, "momentum": 0.0}
    yield "sgd", {"lr": 0.1, "nesterov": True, "momentum": 0.9, "dampening": 0.1}
    yield "cosine_decay", {"lr": 0.1, "total_steps": 10, "min_lr": 0.2}
    yield "warmup_cosine", {"peak": 0.1, "warmup_steps": 10, "total_steps": 10}
    yield "warmup_cosine", {"peak": 0.1, "warmup_steps": 1, "total_steps": 10, "min_lr": 0.5}


def test_every_constraint_is_exercised():
    owners = {owner for owner, _ in violations()}
    declared = {name for name, e in {**OPTIMIZERS, **SCHEDULES}.items() if e["constraints"]}
    assert owners == declared


@pytest.mark.parametrize("owner, options", list(violations()))
def test_a_broken_constraint_gives_its_message_with_the_values(owner, options):
    entry = OPTIMIZERS.get(owner) or SCHEDULES[owner]
    defaults = {p["name"]: p["default"] for p in entry.get("hyperparameters",
                                                            entry.get("parameters"))}
    values = {**defaults, **options}
    messages = [c["message"].format(**{k: repr(float(v) if isinstance(v, float) else v)
                                       for k, v in values.items()})
                for c in entry["constraints"]]
    with pytest.raises(ValueError) as refused:
        if owner in OPTIMIZERS:
            from_options(owner, options)
        else:
            schedules.from_options({"schedule": owner, **options})
    assert str(refused.value) in messages


def test_a_constraint_holds_where_its_condition_does_not_apply():
    assert from_options("sgd", {"lr": 0.1, "momentum": 0.0}).nesterov is False
    assert schedules.from_options({"schedule": "cosine_decay", "lr": 0.1, "total_steps": 5,
                                   "min_lr": 0.1})(3) == pytest.approx(0.1)


def test_from_options_turns_json_into_python_arguments():
    adam = from_options("adam", {"lr": {"schedule": "warmup_cosine", "peak": 0.1,
                                        "warmup_steps": 2, "total_steps": 10},
                                 "betas": [0.8, 0.99]})
    assert adam.betas == (0.8, 0.99) and isinstance(adam.lr, schedules.WarmupCosine)
    assert adam == ol.adam(lr=schedules.warmup_cosine(0.1, 2, 10), betas=(0.8, 0.99))
    factored = from_options("adafactor", {"eps": [None, 1e-2]})
    assert factored == ol.adafactor(eps=(None, 1e-2))


@pytest.mark.parametrize("call, message", [
    (lambda: from_options("adamm", {}), "optimizer 'adamm' is not one of sgd, "),
    (lambda: from_options("adam", {"beta1": 0.9}), "'beta1' is not a parameter of adam (lr, "),
    (lambda: from_options("ewma_momentum", {}), "lr must be given: ewma_momentum has no "),
    (lambda: from_options("adam", [0.1]), "options of adam must be a dict"),
    (lambda: from_options("adam", {"lr": {"schedule": "linear", "lr": 0.1}}),
     "lr schedule 'linear' is not one of constant, "),
    (lambda: from_options("adam", {"lr": {"schedule": "constant", "rate": 0.1}}),
     "'rate' is not a parameter of constant (lr)"),
    (lambda: from_options("adam", {"lr": {"schedule": "step_decay", "lr": 0.1}}),
     "step_size must be given: step_decay has no default step_size"),
])
def test_unknown_and_missing_names_are_refused_by_name(call, message):
    with pytest.raises(ValueError) as refused:
        call()
    assert str(refused.value).startswith(message)


def test_the_catalogues_top_level_messages_are_the_ones_python_gives():
    messages = CATALOGUE["messages"]
    with pytest.raises(ValueError) as refused:
        from_options("adamm", {})
    assert str(refused.value) == fill(messages["unknown_optimizer"], "adamm")
    with pytest.raises(ValueError) as refused:
        schedules.from_options({"schedule": "linear"})
    assert str(refused.value) == fill(messages["unknown_schedule"], "linear")
    scheduled = ol.adam(lr=lambda t: -1.0)
    with pytest.raises(ValueError) as refused:
        scheduled.step(ol.adam().init([1.0])["m"], [1.0], scheduled.init([1.0]))
    assert str(refused.value) == messages["schedule_returned"].format(value="-1.0", t=1)


def test_the_explorer_receives_the_catalogue_and_checks_runs_with_from_options():
    import sys  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "_ext"))
    import explorer  # noqa: PLC0415

    assert json.loads(json.dumps(explorer.landscape_data()["catalogue"])) == CATALOGUE
    with pytest.raises(ValueError, match=r"^page: .*|^'beta1' is not a parameter of adam"):
        explorer._check_settings({"runs": [{"optimizer": "adam", "options": {"beta1": 0.9}}]},
                                 "page")


def documented_arguments(cls) -> dict[str, str]:
    """The entries of a class docstring's ``Args:`` section: name -> its text."""
    doc = inspect.getdoc(cls) or ""
    if "\nArgs:\n" not in doc:
        return {}
    section = doc.split("\nArgs:\n", 1)[1].split("\n\n", 1)[0]
    entries, name = {}, None
    for line in section.splitlines():
        match = re.match(r"^    (\w+): (.*)$", line)
        if match:
            name, text = match.groups()
            entries[name] = text
        elif name is not None:
            entries[name] += " " + line.strip()
    return entries


def documented_default(text: str):
    """The value after the first "default " in an argument's text (None: no default said)."""
    match = re.search(r"\bdefault (\([^)]*\)|[-+\w.]+)", text)
    if match is None or "no default" in text:
        return None
    return ast.literal_eval(match.group(1).rstrip("."))


DOCUMENTED = [(name, entry, "hyperparameters") for name, entry in OPTIMIZERS.items()] + [
    (name, entry, "parameters") for name, entry in SCHEDULES.items()]


@pytest.mark.parametrize("name, entry, parameters", DOCUMENTED,
                         ids=[name for name, _, _ in DOCUMENTED])
def test_each_docstring_states_the_catalogues_default(name, entry, parameters):
    """Every Args entry of an optimizer's docstring (and every one a schedule's has) says the
    default the package declares, or no default for a required one; a changed default fails
    here until the docstring says it too."""
    cls = getattr(ol.optimizers, entry["class"], None) or getattr(schedules, entry["class"])
    documented = documented_arguments(cls)
    if parameters == "hyperparameters":
        assert set(documented) == {p["name"] for p in entry[parameters]}, name
    for parameter in entry[parameters]:
        if parameter["name"] not in documented:
            continue
        said = documented_default(documented[parameter["name"]])
        if parameter["required"]:
            assert said is None, (name, parameter["name"])
        else:
            said = list(said) if isinstance(said, tuple) else said
            assert said == parameter["default"], (name, parameter["name"], said)
