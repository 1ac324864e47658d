"""``scoring score``: one client of a bundle, its decision and reasons, as text or JSON."""

from __future__ import annotations

import json

import pytest
from test_scoring import build_tiny_bundle

from scoring_lib.cli import main
from scoring_lib.scoring import Scorer


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return build_tiny_bundle(tmp_path_factory.mktemp("bundle"), clients=300, test_clients=50)[0]


@pytest.fixture(scope="module")
def client_id(bundle):
    return int(Scorer.from_bundle(bundle).client_ids[7])


def test_text_in_french_by_default(bundle, client_id, capsys):
    assert main(["score", "--bundle", str(bundle), "--client", str(client_id)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Client {client_id} : probabilité de défaut ")
    assert "Ce qui augmente le risque :" in out and "risque." in out


def test_json_in_english(bundle, client_id, capsys):
    assert main(["score", "--bundle", str(bundle), "--client", str(client_id), "--lang", "en",
                 "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["client_id"] == client_id
    assert record["decision"] in ("granted", "refused")
    assert 0 <= record["probability"] <= 1 and 0 <= record["threshold"] <= 1
    assert (record["decision"] == "refused") == (record["probability"] >= record["threshold"])
    assert record["lang"] == "en"
    assert all(s.endswith("raises the risk.") for s in record["reasons"]["raises"])
    assert all(s.endswith("lowers the risk.") for s in record["reasons"]["lowers"])


def test_unknown_client_and_bad_bundle(bundle, tmp_path, capsys):
    assert main(["score", "--bundle", str(bundle), "--client", "999999999"]) == 2
    assert "999999999" in capsys.readouterr().err
    assert main(["score", "--bundle", str(tmp_path), "--client", "1"]) == 2
    assert "error:" in capsys.readouterr().err


def test_an_edited_threshold_is_refused_by_score_and_serve(bundle, client_id, tmp_path,
                                                           capsys):
    """Someone edits bundle.json's threshold to -5 and recomputes its checksum (the sha256
    of the other files stay valid): `scoring score` and `scoring serve`'s check refuse the
    bundle with one sentence, instead of "seuil de -500 % — crédit accordé"."""
    import shutil

    from test_bundle import edit_manifest

    from scoring_lib.bundle.store import MANIFEST
    from scoring_lib.serve import ServeError, check_bundle

    copy = tmp_path / "edited"
    shutil.copytree(bundle, copy)
    assert main(["score", "--bundle", str(copy), "--client", str(client_id)]) == 0
    assert "pour un seuil de " in capsys.readouterr().out
    edit_manifest(copy, ("threshold",), -5)
    sentence = (f"{copy / MANIFEST}: threshold is -5, expected a probability from 0 to 1 "
                "(the refusal threshold)")
    assert main(["score", "--bundle", str(copy), "--client", str(client_id)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"error: {sentence}\n"
    with pytest.raises(ServeError) as info:
        check_bundle(copy)
    assert str(info.value) == f"cannot serve the bundle {copy.resolve()}: {sentence}"
