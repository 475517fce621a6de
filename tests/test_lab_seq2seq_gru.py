"""Fast tests of the seq2seq_gru lab's data: generator, vocabulary, TSV reader, probes (no training)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from assignments.seq2seq_gru.harvest import dates, probes
from autograder.harvest import rng_for


def test_generated_pairs_are_deterministic_and_correct():
    a = dates.generate_pairs(rng_for(3, "train_pairs"), 200)
    b = dates.generate_pairs(rng_for(3, "train_pairs"), 200)
    assert a == b
    for _, target in a:
        d = dt.date.fromisoformat(target)
        assert dates.FIRST_DAY <= d <= dates.LAST_DAY


def test_every_format_is_used_and_distinct():
    texts = [dates.render(dt.date(2026, 3, 5), style, 0) for style in range(16)]
    assert len(set(texts)) == 16
    texts = [dates.render(dt.date(2026, 11, 25), style, 0) for style in range(16)]
    assert "25th of November 2026" in texts and "Nov 25, 2026" in texts and "25/11/26" in texts


def test_ordinals():
    assert [dates.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st"]


def test_excluded_dates_never_drawn():
    train = dates.generate_pairs(rng_for(0, "a"), 500)
    seen = {dt.date.fromisoformat(t) for _, t in train}
    held = dates.generate_pairs(rng_for(0, "b"), 500, exclude=seen)
    assert not seen & {dt.date.fromisoformat(t) for _, t in held}


def test_encoding_shifts_decoder_input():
    pairs = [("Nov 5, 2026", "2026-11-05"), ("1/2/1999", "1999-02-01")]
    vocab = dates.vocab_for(pairs)
    data = dates.encode_pairs(pairs, vocab)
    assert vocab.target_len == 11 and vocab.tgt_vocab_size == 3 + len(set("2026-11-05" + "1999-02-01"))
    assert np.array_equal(data.decoder_input[:, 1:], data.decoder_target[:, :-1])
    assert (data.decoder_input[:, 0] == dates.START).all() and (data.decoder_target[:, -1] == dates.END).all()
    assert vocab.decode_target(data.decoder_target[0].tolist()) == "2026-11-05"
    assert data.encoder_ids[1, len("1/2/1999"):].sum() == 0


def test_read_pairs(tmp_path):
    (tmp_path / "train.tsv").write_text("# comment\nNov 5, 2026\t2026-11-05\n\n1/2/1999\t1999-02-01\n")
    pairs = dates.training_pairs({"data": "tsv"}, 0, tmp_path)
    assert pairs == [("Nov 5, 2026", "2026-11-05"), ("1/2/1999", "1999-02-01")]
    (tmp_path / "bad.tsv").write_text("no tab here\n")
    with pytest.raises(ValueError, match="line 1"):
        dates.read_pairs(tmp_path / "bad.tsv")


def test_scripts_cover_every_case():
    for call, params in probes.SCRIPT_CALLS.items():
        rows = probes.scripts(0, call)
        expected = [probes.expected_decode(r, params["end_id"], params["max_len"]) for r in rows]
        assert [len(e) for e in expected] == [3, 0, params["max_len"], params["max_len"], 1, params["max_len"] - 1]
    assert len(probes.chain_expected(0)) == 4


def test_scripts_never_use_the_default_end_id_as_a_token():
    """A greedy_decode that hard-codes end id 2 must fail greedy_stops_at_end only, not stop early elsewhere."""
    for seed in range(3):
        for call, params in probes.SCRIPT_CALLS.items():
            for script in probes.scripts(seed, call):
                assert 0 not in script
                assert all(t != 2 for t in script if t != params["end_id"])
