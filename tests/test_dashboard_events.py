"""The advisor's actions in any order (issue 11): after every step, no part of the page says
it could not be computed, and every panel shows the state's client.

The actions are those a person does on the page, through its widgets: type an id and press
"Afficher", type an id nobody has, pick a row of the table, set or clear each filter (or
all of them), choose each comparison reference, switch the language, turn the table's
pages, choose the scale of the explanation. A table of named sequences (the group-filter
bug of issue 11 first) and 300 random sequences (seeded: the same every run) are played on
one app, brought back to the page as it opens between sequences.
"""

from __future__ import annotations

import html
import random
import re

import numpy as np
import pytest

from scoring_lib.dashboard import build_app
from scoring_lib.dashboard.search import ALL, FILTER_WIDGETS, PAGE_SIZE
from scoring_lib.dashboard.state import REFERENCES, UNITS
from scoring_lib.dashboard.text import probability_text
from scoring_lib.scoring import Scorer

FAILED = ("n'a pas pu être calculée", "could not be computed")
UNKNOWN_ID = 987654321
RANDOM_SEQUENCES = 300
SEED = 11


@pytest.fixture(scope="module")
def scorer(small_bundle):
    return Scorer.from_bundle(small_bundle[0])


@pytest.fixture(scope="module")
def app(scorer):
    return build_app(scorer)


def text_of(widget) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", widget.value))


# ------------------------------------------------------------------------------ actions
def type_id(app, client_id) -> None:
    """Type ``client_id`` in the ID box and press the button."""
    app.search.search.value = str(client_id)
    app.search.button.click()


def pick(app, row: int) -> None:
    """Click the ``row``-th client of the table (the last one shown if there are fewer)."""
    shown = [p for p, r in zip(app.search.picks, app.search.rows)
             if r.layout.display != "none"]
    if shown:
        shown[min(row, len(shown) - 1)].click()


def set_filter(app, name: str, value: str) -> None:
    """Choose ``value`` ("" : everyone) in the dropdown of filter ``name``."""
    app.search.dropdowns[name].value = value


def play(app, scorer, step: str) -> None:
    """One action, written ``verb`` or ``verb:argument``."""
    verb, _, arg = step.partition(":")
    if verb == "type":
        type_id(app, scorer.client_ids[int(arg)])
    elif verb == "unknown":
        type_id(app, UNKNOWN_ID)
    elif verb == "pick":
        pick(app, int(arg))
    elif verb == "filter":
        name, _, value = arg.partition("=")
        set_filter(app, name, value)
    elif verb == "reset":
        app.search.reset.click()
    elif verb == "reference":
        app.comparison.reference.value = arg
    elif verb == "lang":
        app.lang_toggle.value = arg
    elif verb == "next":
        app.search.next.click()
    elif verb == "prev":
        app.search.prev.click()
    elif verb == "unit":
        app.explain.unit.value = arg
    else:
        raise ValueError(f"unknown step {step!r}")


def filter_values(app) -> dict[str, list[str]]:
    """Every value each filter dropdown offers ("" first: everyone)."""
    return {name: [v for _, v in app.search.dropdowns[name].options]
            for name, _, _ in FILTER_WIDGETS}


def random_step(rng: random.Random, app, scorer) -> str:
    kind = rng.choice(("type", "type", "unknown", "pick", "filter", "filter", "filter",
                       "reset", "reference", "reference", "lang", "next", "prev", "unit"))
    if kind == "type":
        return f"type:{rng.randrange(len(scorer.client_ids))}"
    if kind == "pick":
        return f"pick:{rng.randrange(PAGE_SIZE)}"
    if kind == "filter":
        name = rng.choice([n for n, _, _ in FILTER_WIDGETS])
        value = rng.choice(filter_values(app)[name] + [ALL])
        return f"filter:{name}={value}"
    if kind == "reference":
        return f"reference:{rng.choice(REFERENCES)}"
    if kind == "lang":
        return f"lang:{rng.choice(('fr', 'en'))}"
    if kind == "unit":
        return f"unit:{rng.choice(UNITS)}"
    return kind


def random_sequences(app, scorer, n: int = RANDOM_SEQUENCES, seed: int = SEED):
    rng = random.Random(seed)
    for _ in range(n):
        yield [random_step(rng, app, scorer) for _ in range(rng.randint(3, 8))]


# ------------------------------------------------------------------------------- checks
def check(app, scorer, when: str) -> None:
    """What must hold after every step."""
    state = app.state
    message = app.message.value
    assert not any(f in message for f in FAILED), f"{when}: {text_of(app.message)}"
    assert state.failed == (), when
    cid = state.client_id
    for panel in app.panels:
        if "client_id" in panel.watches:
            assert panel.shown_client == cid, f"{when}: {panel.name} shows " \
                                              f"{panel.shown_client}, the state {cid}"
    lang = state.lang
    score = scorer.score(cid)  # as many decimals as tell it from the threshold
    assert app.score.probability.value == probability_text(score.probability, lang,
                                                           versus=score.threshold), when
    assert str(cid) in text_of(app.score.client_id), when
    assert app.lang_toggle.value == lang and app.search.lang == lang, when
    assert app.comparison.reference.value == state.reference, when
    assert app.explain.unit.value == state.unit, when
    # the table: the state's filters, their matches, the page asked for (within the pages)
    expected = scorer.group(state.filters).index.to_numpy()
    assert np.array_equal(app.search.matches, expected), when
    for name, dd in app.search.dropdowns.items():
        wanted = state.filters.get(name)
        assert (dd.value == ALL) == (wanted is None), f"{when}: filter {name}"
    assert app.search.page == min(state.page, app.search.pages - 1), when
    # the comparison: the reference's clients
    if state.reference != "similar":
        group = scorer.group(state.filters if state.reference == "group" else None)
        assert app.comparison.hist["n"] == int(group["DAYS_BIRTH"].notna().sum()), when
    assert app.comparison.hist_note.value, when


def back_to_start(app, scorer) -> None:
    """The page as it opens (without building it again)."""
    app.set_lang("fr")
    app.set_filters({})
    app.comparison.reference.value = "all"
    app.explain.unit.value = "probability"
    app.show_client(int(scorer.client_ids[0]))
    app.state.say(None)


def run_sequence(app, scorer, steps, name: str) -> None:
    back_to_start(app, scorer)
    check(app, scorer, f"{name}: start")
    for i, step in enumerate(steps):
        play(app, scorer, step)
        check(app, scorer, f"{name}: step {i + 1} {step!r} of {steps}")


# -------------------------------------------------------------------------------- tests
def test_group_reference_then_a_filter_change_keeps_the_comparison(scorer):
    """Issue 11: "Le groupe filtré" under "Comparer avec", then Sexe → Femme said "Une partie
    de l'affichage n'a pas pu être calculée (comparaison)"."""
    app = build_app(scorer)
    app.comparison.reference.value = "group"
    app.search.dropdowns["gender"].value = "F"
    assert app.message.value == ""
    women = scorer.group({"gender": "F"})
    assert app.comparison.hist["n"] == int(women["DAYS_BIRTH"].notna().sum())
    assert str(len(women)) in app.comparison.hist_note.value.replace("\u202f", "")
    app.search.dropdowns["gender"].value = "M"  # another filter value, then none
    assert app.message.value == ""
    app.search.dropdowns["gender"].value = ALL
    assert app.message.value == ""
    assert app.comparison.hist["n"] == int(scorer.clients["DAYS_BIRTH"].notna().sum())


TABLE = {
    "issue 11: group reference, then Sexe": ["reference:group", "filter:gender=F"],
    "group reference, a filter, then cleared": ["reference:group", "filter:decision=refused",
                                                "filter:decision="],
    "a filter, then the group, then reset": ["filter:gender=M", "reference:group",
                                             "reset"],
    "group, two filters, next page, pick": ["reference:group", "filter:gender=F",
                                            "filter:age=30-40", "next", "pick:3"],
    "group that nobody is in": ["reference:group", "filter:decision=refused",
                                "filter:risk_band=low"],
    "similar, then a client, then English": ["reference:similar", "type:5", "lang:en"],
    "English, group, filter, French": ["lang:en", "reference:group", "filter:gender=F",
                                       "lang:fr"],
    "unknown id, then a filter with the group": ["unknown", "reference:group",
                                                 "filter:age=50-60"],
    "unknown id, then English, then a known id": ["unknown", "lang:en", "type:7"],
    "scale, client, scale": ["unit:logodds", "type:3", "unit:probability"],
    "pages past the end and back": ["next", "next", "prev", "pick:0", "prev"],
    "pick on a filtered page, then the filter cleared": ["filter:decision=refused", "next",
                                                         "pick:1", "filter:decision="],
    "every reference in turn with a filter": ["filter:gender=F", "reference:similar",
                                              "reference:group", "reference:all",
                                              "reference:group"],
}


@pytest.mark.parametrize("name", list(TABLE))
def test_named_sequences(app, scorer, name):
    run_sequence(app, scorer, TABLE[name], name)


def test_random_sequences(app, scorer):
    """300 random sequences of 3 to 8 actions (seeded: the same sequences every run)."""
    sequences = list(random_sequences(app, scorer))
    assert len(sequences) == RANDOM_SEQUENCES
    assert list(random_sequences(app, scorer, n=3)) == sequences[:3]  # deterministic
    played = set()
    for i, steps in enumerate(sequences):
        run_sequence(app, scorer, steps, f"random sequence {i}")
        played.update(s.partition(":")[0] for s in steps)
    assert played == {"type", "unknown", "pick", "filter", "reset", "reference", "lang",
                      "next", "prev", "unit"}
