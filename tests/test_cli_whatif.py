"""scoring whatif and scoring recourse, read as text and as JSON."""

from __future__ import annotations

import json

import pytest

from scoring_lib.cli import main
from scoring_lib.scoring import RECOURSE_MARGIN
from scoring_lib.words import percent


@pytest.fixture(scope="module")
def refused_with_option(scorer):
    c = scorer.clients
    for cid in c[c["decision"] == "refused"].sort_values("probability").index[:60]:
        r = scorer.recourse(int(cid))
        if r.options:
            return r
    raise AssertionError("no refused client with an option in the tiny bundle")


def test_whatif_json_and_text(tiny_bundle, scorer, capsys):
    bundle = str(tiny_bundle[0])
    cid = int(scorer.client_ids[0])
    assert main(["whatif", "--bundle", bundle, "--client", str(cid), "--set",
                 "AMT_CREDIT=250000", "--set", "DURATION_MONTHS=24", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    w = scorer.what_if(cid, {"AMT_CREDIT": 250000.0, "DURATION_MONTHS": 24.0})
    # README: the keys of scoring score, plus the simulation's own
    assert main(["score", "--bundle", bundle, "--client", str(cid), "--json"]) == 0
    score_keys = set(json.loads(capsys.readouterr().out))
    assert set(d) == score_keys | {"changes", "before", "values", "duration_months",
                                   "real_probability", "real_decision"}
    assert d["client_id"] == cid and d["changes"] == {"AMT_CREDIT": 250000.0,
                                                      "DURATION_MONTHS": 24.0}
    assert d["probability"] == pytest.approx(w.probability, abs=1e-12)
    assert d["decision"] == w.decision and d["threshold"] == scorer.threshold
    assert d["reasons"]["raises"] == w.explanation.sentences("raises")
    assert main(["whatif", "--bundle", bundle, "--client", str(cid), "--set",
                 "AMT_CREDIT=250000", "--set", "DURATION_MONTHS=24"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Simulation pour le client {cid} (rien n'est enregistré) :"
    assert out[1].startswith("Un crédit de 250\u202f000\u00a0€ sur 24 mois (mensualité "
                             "10\u202f417\u00a0€)")
    assert out[2].startswith("Score réel, inchangé : probabilité ")
    assert main(["whatif", "--bundle", bundle, "--client", str(cid), "--lang", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Simulation for client {cid} (nothing is saved):"
    real = scorer.score(cid)
    assert out[2] == (f"Real score, unchanged: probability {percent(real.probability, 'en')}, "
                      f"{'loan granted' if real.decision == 'granted' else 'loan refused'}.")


def test_whatif_errors_are_one_sentence_exit_2(tiny_bundle, scorer, capsys, error_line):
    bundle = str(tiny_bundle[0])
    cid = str(int(scorer.client_ids[0]))
    assert main(["whatif", "--bundle", bundle, "--client", cid, "--set", "CNT_CHILDREN=0"]) == 2
    assert error_line() == ("error: CNT_CHILDREN: not a variable a client can change; "
                            "actionable variables: AMT_CREDIT, DURATION_MONTHS, AMT_ANNUITY, "
                            "AMT_GOODS_PRICE")
    low, high = scorer.simulation_ranges["DURATION_MONTHS"]
    assert main(["whatif", "--bundle", bundle, "--client", cid, "--set",
                 "DURATION_MONTHS=600"]) == 2
    assert error_line() == (f"error: DURATION_MONTHS: 600 is outside the plausible range "
                            f"[{low:.0f}, {high:.0f}] observed in this bundle's training "
                            f"clients")
    assert main(["whatif", "--bundle", bundle, "--client", "1", "--set",
                 "AMT_CREDIT=1000"]) == 2
    assert error_line() == "error: unknown client: SK_ID_CURR 1 is not in this bundle"
    with pytest.raises(SystemExit) as info:
        main(["whatif", "--bundle", bundle, "--client", cid, "--set", "AMT_CREDIT=lots"])
    assert info.value.code == 2
    assert "argument --set: AMT_CREDIT: expected a number after '=', got 'lots'" in \
        capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["whatif", "--bundle", bundle, "--client", cid, "--set", "AMT_CREDIT"])
    assert "argument --set: expected NAME=VALUE, e.g. AMT_CREDIT=250000, got 'AMT_CREDIT'" in \
        capsys.readouterr().err


def test_recourse_json_and_text(tiny_bundle, scorer, refused_with_option, capsys):
    bundle = str(tiny_bundle[0])
    r = refused_with_option
    cid = str(r.score.client_id)
    assert main(["recourse", "--bundle", bundle, "--client", cid, "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert {"client_id", "probability", "decision", "threshold", "options"} <= set(d)
    assert "message" not in d and d["decision"] == "refused"
    assert [o["changes"] for o in d["options"]] == [o.changes for o in r.options]
    for o in d["options"]:
        assert o["decision"] == "granted" and o["probability"] < d["threshold"]
    assert main(["recourse", "--bundle", bundle, "--client", cid]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"Client {cid} : probabilité de défaut ")
    assert out[1] == "Ce qui ferait accorder le crédit :"
    assert out[2].startswith("  1. Un crédit de ") and " serait accordé : probabilité " in out[2]
    assert main(["recourse", "--bundle", bundle, "--client", cid, "--lang", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "What would get the credit granted:"
    assert out[2].startswith("  1. A credit of €") and " would be granted: probability " in out[2]


def test_recourse_of_a_granted_client(tiny_bundle, scorer, capsys):
    c = scorer.clients
    cid = int(c[c["probability"] < scorer.threshold * 0.5].index[0])
    assert main(["recourse", "--bundle", str(tiny_bundle[0]), "--client", str(cid),
                 "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    target = percent(scorer.threshold * (1 - RECOURSE_MARGIN), "fr")
    assert d["options"] == [] and d["message"] == (
        f"Le crédit est déjà accordé avec une marge (probabilité sous {target}) : aucun "
        f"changement n'est nécessaire.")
