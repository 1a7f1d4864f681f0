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


def test_recommends_a_gain_beyond_the_noise_that_costs_nothing():
    c = fake_comparison(ce=[0.70, 0.72, 0.71, 0.69], focal=[0.71, 0.70, 0.72, 0.70],
                        balanced=[0.80, 0.83, 0.81, 0.80])
    rec = recommend(c)
    assert rec.best == rec.recommended == "balanced"
    assert rec.text[0].startswith(
        "Recommended: balanced, balanced accuracy 0.810 +/- 0.012 over 4 splits"
    )
    assert any("exceeds the fold-to-fold noise" in line for line in rec.text)
    assert "Estimator_balanced()" in rec.code and "model.fit(X, y)" in rec.code


def test_a_gain_within_the_noise_recommends_plain_cross_entropy():
    c = fake_comparison(ce=[0.70, 0.80, 0.75, 0.72], focal=[0.74, 0.78, 0.77, 0.71])
    rec = recommend(c)
    assert rec.best == "focal" and rec.recommended == "ce"
    assert rec.text[0] == ("Recommended: plain cross-entropy (ce). No weighting is needed "
                           "on this evidence.")
    assert any("within the fold-to-fold noise" in line for line in rec.text)
    assert "Estimator_ce()" in rec.code


def test_ties_are_counted_apart_from_wins():
    c = fake_comparison(ce=[0.7] * 10, balanced=[0.75, 0.72] + [0.7] * 8)
    rec = recommend(c)
    assert rec.recommended == "ce"
    assert "better on 2 of 10 splits, 8 ties" in rec.text[1]


def test_a_gain_that_loses_macro_f1_beyond_the_noise_is_not_recommended():
    c = fake_comparison(ce=[0.70, 0.72, 0.71, 0.69], balanced=[0.80, 0.83, 0.81, 0.80])
    c.get("balanced").scores["f1_macro"] = np.array([0.60, 0.61, 0.60, 0.58])
    rec = recommend(c)
    assert rec.best == "balanced" and rec.recommended == "ce"
    assert rec.guards["balanced"]["f1_macro"].high < 0
    assert any("balanced gains +0.105 balanced accuracy beyond the noise but loses beyond "
               "the noise on macro-F1" in line for line in rec.text)


def test_among_candidates_within_the_noise_the_simplest_is_recommended():
    # logit_adjusted (a loss, complexity 2) is ahead of balanced (one setting, complexity
    # 1) by less than the noise: balanced is recommended
    c = fake_comparison(ce=[0.70, 0.72, 0.71, 0.69], balanced=[0.80, 0.83, 0.81, 0.80],
                        logit_adjusted=[0.81, 0.82, 0.83, 0.80])
    rec = recommend(c)
    assert rec.best == "logit_adjusted" and rec.recommended == "balanced"
    assert "Estimator_balanced()" in rec.code
    assert any("logit_adjusted has the highest mean" in line for line in rec.text)


def test_plain_cross_entropy_can_win():
    c = fake_comparison(ce=[0.80, 0.82, 0.81, 0.80], focal=[0.70, 0.71, 0.72, 0.70])
    rec = recommend(c)
    assert rec.best == rec.recommended == "ce"
    assert any("Plain cross-entropy has the highest mean" in line for line in rec.text)
    assert rec.paired["focal"].high < 0


def test_a_reference_that_beats_every_strategy_is_said_plainly():
    c = fake_comparison(ce=[0.70, 0.72, 0.71, 0.69], balanced=[0.80, 0.83, 0.81, 0.80])
    c.references = [fake_summary("ce", [0.90, 0.92, 0.91, 0.90])]
    c.references[0].name, c.references[0].reference = "balanced_random_forest", True
    rec = recommend(c)
    assert rec.reference["name"] == "balanced_random_forest"
    assert rec.reference["beats_every_strategy"] and rec.reference["versus"] == "balanced"
    assert any(line.startswith("A reference model beats every neural strategy beyond the "
                               "noise: balanced_random_forest scores 0.90")
               for line in rec.text)
    assert rec.recommended == "balanced"  # the references are not weighting strategies


def test_weighted_strategies_print_the_sample_weight_routing():
    data = load_dataset("noisy-digits")
    summary = fake_summary("ce+weights", [0.9, 0.91, 0.9, 0.92])
    c = Comparison(data=data, strategies=[fake_summary("ce", [0.8, 0.82, 0.81, 0.8]), summary],
                   settings={"cv": 2, "repeats": 1, "metric": "balanced_accuracy"},
                   n_train=460, n_test=460)
    rec = recommend(c)
    assert rec.best == "ce+weights" and rec.recommended == "ce+weights"
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


def test_the_best_by_mean_that_costs_macro_f1_is_named_beside_the_recommended_one():
    c = fake_comparison(ce=[0.70, 0.72, 0.71, 0.69], balanced=[0.90, 0.93, 0.91, 0.90],
                        effective_number=[0.80, 0.83, 0.81, 0.80])
    c.get("balanced").scores["f1_macro"] = np.array([0.60, 0.61, 0.60, 0.58])
    rec = recommend(c)
    assert rec.best == "balanced" and rec.recommended == "effective_number"
    assert ("balanced has the highest balanced accuracy (0.910) but loses beyond the noise "
            "against plain cross-entropy on macro-F1") in rec.text[2]
