"""The fits: shared folds, the scores of one fit, failures, and results independent of
where the fits run."""

import warnings

import numpy as np
import pytest
from sklearn.metrics import balanced_accuracy_score, confusion_matrix, f1_score

from sklweight import WeightedMLPClassifier
from sklweight.compare import Strategy
from sklweight.compare.comparison import estimator_settings, run_comparison
from sklweight.compare.data import load_dataset
from sklweight.compare.run import make_splits, score_predictions
from sklweight.compare.strategies import StrategyContext, mlp_strategy, select_strategies


def test_scores_match_scikit_learn_and_skip_classes_without_rows():
    rng = np.random.RandomState(0)
    classes = np.array([0, 1, 2, 3])
    y = rng.choice([0, 1, 2], 60)  # class 3 has no row in this fold
    p = np.where(rng.rand(60) < 0.7, y, rng.choice(classes, 60))
    w = rng.uniform(0.1, 1, 60)
    for weights in (None, w):
        scores, recall, confusion = score_predictions(y, p, classes, weights)
        with pytest.warns(UserWarning, match="y_pred contains classes not in y_true"):
            expected = balanced_accuracy_score(y, p, sample_weight=weights)
        assert scores["balanced_accuracy"] == pytest.approx(expected)
        assert np.isnan(recall[3])
        assert scores["worst_class_recall"] == pytest.approx(np.nanmin(recall))
        assert scores["f1_macro"] == pytest.approx(
            f1_score(y, p, labels=[0, 1, 2, 3], average="macro", sample_weight=weights,
                     zero_division=np.nan)
        )
        np.testing.assert_allclose(
            confusion, confusion_matrix(y, p, labels=classes, sample_weight=weights)
        )


def test_splits_are_repeated_stratified_and_seeded():
    y = np.repeat([0, 1, 2], [20, 10, 6])
    splits = make_splits(y, cv=3, repeats=2, seed=5)
    assert len(splits) == 6
    for train, test in splits:
        assert len(np.intersect1d(train, test)) == 0
        per_class = np.bincount(y[test], minlength=3)
        assert np.all(np.abs(per_class - np.array([20, 10, 6]) / 3) < 1)  # stratified
    for first, again in zip(splits, make_splits(y, cv=3, repeats=2, seed=5), strict=True):
        np.testing.assert_array_equal(first[0], again[0])
    # each repeat scores every row exactly once
    for r in range(2):
        scored = np.sort(np.concatenate([test for _, test in splits[3 * r:3 * r + 3]]))
        np.testing.assert_array_equal(scored, np.arange(len(y)))


def test_a_failing_strategy_is_reported_not_fatal():
    data = load_dataset("digits-lt")
    broken = mlp_strategy("test_broken", "a loss parameter that does not exist",
                          criterion="focal", criterion__no_such=1)
    strategies = select_strategies(["ce"], has_weights=False) + [broken]
    comparison, recommendation = run_comparison(
        data, strategies, references=[], cv=2, repeats=1,
        estimator_params=estimator_settings(max_epochs=2),
    )
    failed = comparison.get("test_broken")
    assert failed.failed and "no_such" in failed.errors[0]
    assert np.isnan(failed.scores["balanced_accuracy"]).all()
    assert comparison.ranked()[-1].name == "test_broken"
    assert recommendation.recommended == "ce" and "test_broken" not in recommendation.paired


def test_same_numbers_in_joblib_worker_processes_as_in_this_process():
    data = load_dataset("digits-lt")
    strategies = select_strategies(["balanced"], has_weights=False)
    params = estimator_settings(max_epochs=3)
    results = [
        run_comparison(data, strategies, references=[], cv=2, repeats=1,
                       estimator_params=params, n_jobs=n_jobs)[0]
        for n_jobs in (1, 2)
    ]
    for here, there in zip(*(r.strategies for r in results), strict=True):
        for metric in here.scores:
            np.testing.assert_array_equal(here.scores[metric], there.scores[metric])
        np.testing.assert_array_equal(here.confusion, there.confusion)
        assert here.curves == there.curves
        for metric in here.scores:
            np.testing.assert_array_equal(here.held_out["scores"][metric],
                                          there.held_out["scores"][metric])


def test_each_split_seeds_every_strategy_alike():
    data = load_dataset("digits-lt")
    strategies = select_strategies(["balanced"], has_weights=False)
    comparison, _ = run_comparison(
        data, strategies, references=[], cv=2, repeats=1, seed=4,
        estimator_params=estimator_settings(max_epochs=2),
    )
    assert comparison.settings["estimator_params"] == {"max_epochs": 2, "random_state": 4}
    context = StrategyContext(estimator_params={"random_state": 9})
    assert strategies[1].build(context).random_state == 9


def test_early_stopping_records_the_validation_loss_curve():
    # noisy digits: every class keeps enough rows for the internal stratified split
    data = load_dataset("noisy-digits")
    comparison, _ = run_comparison(
        data, select_strategies([], has_weights=False), references=[], cv=2, repeats=1,
        estimator_params=estimator_settings(max_epochs=4, early_stopping=True),
    )
    for train, valid in comparison.get("ce").curves:
        assert len(train) == len(valid) == 4
    plain, _ = run_comparison(data, select_strategies([], has_weights=False), references=[],
                              cv=2, repeats=1, estimator_params=estimator_settings(max_epochs=4))
    assert all(valid is None for _, valid in plain.get("ce").curves)


class _WarningMLP(WeightedMLPClassifier):
    """An MLP that warns on every fit (to see the warning reach the summary once)."""

    def fit(self, X, y, sample_weight=None):
        warnings.warn("something to know about this fit", UserWarning, stacklevel=2)
        return super().fit(X, y, sample_weight=sample_weight)


def test_fit_warnings_are_collected_per_strategy_not_printed_per_fit():
    from sklweight.compare.cli import _warning_notes

    warns = Strategy(
        name="test_warns", description="warns", code=lambda context: "_WarningMLP()",
        build=lambda context: _WarningMLP(**context.estimator_params),
    )
    data = load_dataset("digits-lt")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing escapes the fits
        comparison, _ = run_comparison(
            data, select_strategies([], has_weights=False) + [warns], references=[], cv=2,
            repeats=1, estimator_params=estimator_settings(max_epochs=2),
        )
    assert comparison.get("test_warns").warnings == {
        "UserWarning: something to know about this fit": 2
    }
    assert comparison.get("ce").warnings == {}  # ConvergenceWarning (max_epochs) is the norm
    assert _warning_notes(comparison, 2) == [
        "warning: test_warns, 2 of 2 fits: UserWarning: something to know about this fit"
    ]
