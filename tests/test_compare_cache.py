"""ComparisonCache: one client after another against kept references gives what
``compare`` gives on that reference, and computes each reference once."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

from scoring_lib.compare import ComparisonCache, Recent, compare

N = 400


@pytest.fixture
def table():
    rng = np.random.default_rng(3)
    ids = pd.Index(np.arange(N) * 7 + 100_000, name="SK_ID_CURR")
    age = rng.uniform(20, 70, N).round(0)
    age[::37] = np.nan  # some missing values
    income = rng.lognormal(11, 0.5, N)
    target = np.where(rng.random(N) < 0.1, 1.0, 0.0)
    target[::5] = np.nan  # new applications: no outcome
    gender = np.where(rng.random(N) < 0.6, "F", "M")
    columns = {"age": age, "income": income}
    calls = {"column": [], "group": [], "similar": []}

    def column(name):
        calls["column"].append(name)
        return columns[name]

    def group_mask(filters):
        calls["group"].append(dict(filters))
        return gender == filters["gender"]

    def similar(client_id, k):  # the k next ids, as a neighbour index would answer
        calls["similar"].append(client_id)
        pos = ids.get_loc(client_id)
        return ids[[(pos + 1 + i) % N for i in range(k)]].to_numpy()

    cache = ComparisonCache(ids, column, target, group_mask, similar)
    return {"cache": cache, "ids": ids, "columns": columns, "target": target,
            "gender": gender, "calls": calls}


def expected(t, client_id, variable, rows):
    pos = t["ids"].get_loc(client_id)
    values = t["columns"][variable]
    return compare(pd.Series({variable: values[pos]}),
                   pd.DataFrame({variable: values[rows]}), [variable],
                   target=t["target"][rows])


@pytest.mark.parametrize("reference", [None, "all", {"gender": "F"}, "similar"])
def test_each_client_gets_what_compare_gives_on_the_reference(table, reference):
    t, cache = table, table["cache"]
    for client_id in t["ids"][[0, 37, 150, 399]]:  # 37: a missing age
        for variable in ("age", "income"):
            at = cache.position(int(client_id), variable, reference, k=30)
            if reference == "similar":
                pos = t["ids"].get_loc(client_id)
                rows = np.sort([(pos + 1 + i) % N for i in range(30)])
            elif isinstance(reference, dict):
                rows = np.flatnonzero(t["gender"] == "F")
            else:
                rows = np.arange(N)
            want = expected(t, int(client_id), variable, rows)
            row = want.summary.loc[variable]
            got, bars = at.comparison.histogram(variable), want.histogram(variable)
            if reference != "similar":  # kept bars: "client" marks the first client's bin
                got, bars = got.drop(columns="client"), bars.drop(columns="client")
            pd.testing.assert_frame_equal(got, bars)
            assert at.comparison.summary.loc[variable, "n"] == row["n"]
            value = t["columns"][variable][t["ids"].get_loc(client_id)]
            if np.isnan(value):
                assert at.value is None and np.isnan(at.shares.percentile)
            else:
                assert at.value == value
                assert at.shares.percentile == pytest.approx(row["percentile"])
                assert at.shares.below == pytest.approx(row["below"])
                assert at.shares.above == pytest.approx(row["above"])


def test_references_groups_and_neighbours_are_computed_once(table):
    t, cache = table, table["cache"]
    for client_id in t["ids"][:50]:
        for reference in (None, {"gender": "M"}, "similar"):
            cache.position(int(client_id), "income", reference, k=10)
    calls = t["calls"]
    assert calls["column"] == ["income"]           # every client's values: read once
    assert calls["group"] == [{"gender": "M"}]     # the group's clients: found once
    assert len(calls["similar"]) == 50             # one neighbour query per client
    first = int(t["ids"][0])
    rows = cache.similar_positions(first, 10)      # the scatter asks again: kept
    assert len(calls["similar"]) == 50 + 1         # the first client was evicted (8 kept)
    assert list(rows) == sorted(rows) and len(rows) == 10
    last = int(t["ids"][49])
    cache.similar_positions(last, 10)
    assert len(calls["similar"]) == 51
    assert list(cache.group_positions({"gender": "M"})) == list(
        np.flatnonzero(t["gender"] == "M"))
    assert list(cache.group_positions({})) == list(range(N))


def test_a_reference_that_is_not_one_says_what_it_takes(table):
    with pytest.raises(ValueError, match="reference: expected None, 'all', 'similar'"):
        table["cache"].position(int(table["ids"][0]), "age", "everyone")


def test_recent_keeps_the_last_used_and_is_shared_by_threads():
    recent = Recent(3)
    made = []

    def make(key):
        made.append(key)
        return key * 2

    for key in (1, 2, 3, 1, 4):  # 2 is the least recently used when 4 comes
        assert recent.get(key, lambda k=key: make(k)) == key * 2
    assert made == [1, 2, 3, 4] and len(recent) == 3
    recent.get(2, lambda: make(2))
    assert made[-1] == 2
    results = []
    threads = [threading.Thread(target=lambda: results.append(
        recent.get(9, lambda: make(9)))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [18] * 8 and len(recent) == 3
