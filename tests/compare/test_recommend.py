"""The recommendation: the corrected paired interval, the verdicts and the printed code."""

import numpy as np
import pytest
from scipy.stats import t

from sklweight.compare.data import load_dataset
from sklweight.compare.recommend import paired_difference, recommend
from sklweight.compare.summary import Comparison

from ._helpers import fake_comparison, fake_summary


def test_interval_is_the_nadeau_bengio_corrected_t_interval():
    rng = np.random.RandomState(0)
    base = rng.uniform(0.7, 0.8, 10)
    scores = base + rng.normal(0.03, 0.02, 10)
    p = paired_difference(scores, base, n_train=160, n_test=40)
    d = scores - base
    corrected = np.sqrt((1 / 10 + 40 / 160) * d.var(ddof=1))
    half = t.ppf(0.975, 9) * corrected
    assert p.mean == pytest.approx(d.mean())
    assert (p.low, p.high) == pytest.approx((d.mean() - half, d.mean() + half))
    # wider than the naive interval, which ignores that CV splits share training rows
    naive = t.ppf(0.975, 9) * d.std(ddof=1) / np.sqrt(10)
    assert p.high - p.low > 2 * naive
    assert p.wins == int((d > 0).sum()) and p.n_splits == 10


def test_a_gain_within_the_noise_is_not_claimed():
    base = np.array([0.80, 0.70, 0.90, 0.75])
    p = paired_difference(base + [0.05, -0.04, 0.03, -0.02], base, n_train=75, n_test=25)
    assert p.low < 0 < p.high and not p.exceeds_noise
    p = paired_difference(base + 0.05 + [0.001, -0.001, 0.002, 0.0], base, n_train=75,
                          n_test=25)
    assert p.low > 0 and p.exceeds_noise


def test_identical_scores_give_a_zero_width_interval():
    p = paired_difference([0.5, 0.6], [0.5, 0.6], n_train=10, n_test=10)
    assert (p.mean, p.low, p.high, p.exceeds_noise) == (0.0, 0.0, 0.0, False)


def test_recommends_the_best_and_says_when_it_beats_the_noise():
    c = fake_comparison(ce=[0.70, 0.72, 0.71, 0.69], focal=[0.71, 0.70, 0.72, 0.70],
                    balanced=[0.80, 0.83, 0.81, 0.80])
    rec = recommend(c)
    assert rec.best == "balanced"
    assert rec.text[0].startswith(
        "Best by balanced accuracy: balanced, 0.810 +/- 0.012 over 4 splits"
    )
    assert any("exceeds the fold-to-fold noise" in line for line in rec.text)
    assert "Estimator_balanced()" in rec.code and "model.fit(X, y)" in rec.code


def test_an_unsure_winner_is_reported_as_within_the_noise():
    c = fake_comparison(ce=[0.70, 0.80, 0.75, 0.72], focal=[0.74, 0.78, 0.77, 0.71])
    rec = recommend(c)
    assert rec.best == "focal"
    assert any("within the fold-to-fold noise" in line for line in rec.text)


def test_plain_cross_entropy_can_win():
    c = fake_comparison(ce=[0.80, 0.82, 0.81, 0.80], focal=[0.70, 0.71, 0.72, 0.70])
    rec = recommend(c)
    assert rec.best == "ce"
    assert any("Plain cross-entropy is the best" in line for line in rec.text)
    assert rec.paired["focal"].high < 0


def test_weighted_strategies_print_the_sample_weight_routing():
    data = load_dataset("noisy-digits")
    summary = fake_summary("ce+weights", [0.9, 0.91])
    c = Comparison(data=data, strategies=[fake_summary("ce", [0.8, 0.82]), summary],
                   settings={"cv": 2, "repeats": 1, "metric": "balanced_accuracy"},
                   n_train=460, n_test=460)
    rec = recommend(c)
    assert rec.best == "ce+weights"
    assert "model.fit(X, y, estimator__sample_weight=quality_weight)" in rec.code
    assert "make_noisy_digits(random_state=0)" in rec.code


def test_json_document_is_strict_json_with_null_for_failed_fits():
    import json

    from sklweight.compare.summary import comparison_dict

    c = fake_comparison(ce=[0.7, 0.72], balanced=[np.nan, np.nan])
    c.get("balanced").errors.append("ValueError: boom")
    doc = comparison_dict(c, recommend(c))
    text = json.dumps(doc, allow_nan=False)  # raises on NaN or infinity
    back = json.loads(text)
    assert back["ranking"] == ["ce", "balanced"]
    failed = back["strategies"][1]
    assert failed["metrics"]["balanced_accuracy"] == {"mean": None, "std": None,
                                                      "splits": [None, None]}
    assert failed["errors"] == ["ValueError: boom"]
    assert back["recommendation"]["best"] == "ce"
