"""Named, measured settings of :class:`~sklweight.WeightedMLPClassifier`.

Each recipe returns a new, unfitted estimator; any of its parameters can be overridden
(``recipes.long_tail(random_state=0, max_epochs=300)``), and an unknown keyword raises
``TypeError`` as the estimator's constructor does. The input noise is in units of the
features' standard deviation: put a :class:`~sklearn.preprocessing.StandardScaler` in
front (``make_pipeline(StandardScaler(), recipes.long_tail())``).

Both recipes stop on a plateau of the smoothed training loss (see
``WeightedMLPClassifier``'s ``early_stopping``), so ``max_epochs=1000`` is only a bound.
Their measured balanced accuracy, beside the plain estimator and a balanced logistic
regression, is in the documentation's measured tables (:ref:`benchmarks_recipes`);
``benchmarks/learning_recipes.py`` reproduces it.
"""

from __future__ import annotations

from .mlp import WeightedMLPClassifier

__all__ = ["long_tail", "noisy_labels", "tabular"]

# shared by both recipes: stronger regularisation and a longer, plateau-stopped training
_REGULARISED = {
    "weight_decay": 3e-3,
    "input_noise": 1.0,
    "batch_size": 64,
    "max_epochs": 1000,
    "n_iter_no_change": 20,
}

LONG_TAIL = {"criterion": "logit_adjusted", "hidden_layer_sizes": (256,), **_REGULARISED}
NOISY_LABELS = dict(_REGULARISED)


def long_tail(**overrides):
    """A :class:`~sklweight.WeightedMLPClassifier` for long-tailed (imbalanced) classes.

    Sets ``criterion="logit_adjusted"`` (Menon et al. 2021, ``tau=1``),
    ``hidden_layer_sizes=(256,)``, ``weight_decay=3e-3``, ``input_noise=1.0`` (Gaussian
    noise on the standardised inputs while training), ``batch_size=64``,
    ``n_iter_no_change=20`` and ``max_epochs=1000`` (a bound: the plateau rule stops
    training). Every other parameter keeps its default.

    Logit adjustment carries most of the gain on long-tailed classes; the weight decay
    and the input noise help only together with it. The measured effect is in
    :ref:`benchmarks_recipes`.

    Parameters
    ----------
    **overrides : dict
        Any :class:`~sklweight.WeightedMLPClassifier` parameter, replacing the recipe's.

    Returns
    -------
    estimator : WeightedMLPClassifier
        Unfitted.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklweight import recipes
    >>> clf = recipes.long_tail(random_state=0)
    >>> clf.criterion, clf.input_noise, clf.weight_decay
    ('logit_adjusted', 1.0, 0.003)
    >>> model = make_pipeline(StandardScaler(), recipes.long_tail(max_epochs=5))
    """
    return WeightedMLPClassifier(**{**LONG_TAIL, **overrides})


def noisy_labels(**overrides):
    """A :class:`~sklweight.WeightedMLPClassifier` for labels of uneven quality.

    Meant to be fitted with per-row label confidences as ``sample_weight`` (or inside
    a quality-weighting meta-estimator). Sets ``weight_decay=3e-3``,
    ``input_noise=1.0``, ``batch_size=64``, ``n_iter_no_change=20`` and
    ``max_epochs=1000`` (a bound: the plateau rule stops training); the loss stays the
    plain cross-entropy. Every other parameter keeps its default.

    The measured effect, with and without the quality weights, is in
    :ref:`benchmarks_recipes`.

    Parameters
    ----------
    **overrides : dict
        Any :class:`~sklweight.WeightedMLPClassifier` parameter, replacing the recipe's.

    Returns
    -------
    estimator : WeightedMLPClassifier
        Unfitted.

    Examples
    --------
    >>> from sklweight import recipes
    >>> clf = recipes.noisy_labels(random_state=0)
    >>> clf.criterion, clf.input_noise
    ('cross_entropy', 1.0)
    """
    return WeightedMLPClassifier(**{**NOISY_LABELS, **overrides})


TABULAR = {
    "criterion": "logit_adjusted",
    "hidden_layer_sizes": (256,),
    "weight_decay": 1e-3,
    "input_noise": 0.1,
    "num_embedding": "piecewise_linear",
    "n_bins": 16,
    "bin_strategy": "tree",
    "d_embedding": 16,
    "n_ensemble": 8,
    "max_epochs": 100,
    "tol": 1e-3,
    "dtype": "float32",
}


def tabular(**overrides):
    """A :class:`~sklweight.WeightedMLPClassifier` for imbalanced tables.

    What the tabular deep-learning literature found to close the gap to tree ensembles,
    with the loss of the long-tailed case:

    * ``criterion="logit_adjusted"`` (Menon et al. 2021, ``tau=1``): the balanced-error
      loss of :func:`long_tail`;
    * ``hidden_layer_sizes=(256,)``, ``weight_decay=1e-3`` and ``input_noise=0.1``: a
      wider layer, regularised; on the small noisy binary tables (a few dozen minority
      rows among hundreds) the weaker 3e-4 without noise let the network memorise the
      minority rows and fall back to the majority on new ones, while
      :func:`long_tail`'s 3e-3 with noise 1.0 underfitted the tables whose classes
      separate almost perfectly;
    * ``num_embedding="piecewise_linear"``, ``n_bins=16``, ``bin_strategy="tree"``,
      ``d_embedding=16``: each standardised numeric feature is encoded on up to 16
      bins and embedded in 16 dimensions, two-valued columns being fed as they are
      (Gorishniy et al., NeurIPS 2022), so the network can cut a feature at thresholds
      as a tree does. The bins are cut where a small class-balanced decision tree on
      the feature cuts it, on the rows trained on: quantile bins follow the majority
      class, and a minority class living in a narrow range of a feature shared a bin
      with the majority rows around it. On tables with dozens of numeric columns
      ``d_embedding="auto"`` narrows the embedding and cuts the fit time several-fold,
      for a small loss on the dev sets (``benchmarks/README.md``);
    * ``n_ensemble=8``: eight members sharing the embeddings and the hidden layer,
      trained together in one batched forward pass, their probabilities averaged
      (TabM, Gorishniy et al., ICLR 2025);
    * ``max_epochs=100`` and ``tol=1e-3``: the plateau rule stops once the smoothed
      training loss falls by less than 1e-3 in ``n_iter_no_change`` epochs, and at most
      100 passes are made, as many as the dev sets needed;
    * ``dtype="float32"``: the embeddings widen the first layer; single precision keeps
      that cost down.

    Every other parameter keeps its default. Put a
    :class:`~sklearn.preprocessing.StandardScaler` in front
    (``make_pipeline(StandardScaler(), recipes.tabular())``).

    The settings were chosen on the development sets of the KEEL imbalanced collection
    (Alcala-Fdez et al., 2011) named in ``benchmarks/tabular.py``, against balanced
    random forests, balanced logistic regression and ``class_weight="balanced"``. Mean
    balanced accuracy / mean rank among the 11 contenders there (5-fold CV,
    ``random_state=0``):

    ================================  ===============  ============
    contender                         multiclass (15)  binary (24)
    ================================  ===============  ============
    ``recipes.tabular()``             0.767 / 3.33     0.867 / 3.19
    balanced random forest            0.750 / 3.87     0.851 / 4.31
    balanced logistic regression      0.716 / 5.93     0.845 / 3.25
    ``class_weight="balanced"``       0.747 / 5.57     0.831 / 5.21
    ================================  ===============  ============

    The whole table, with the other anchors, other seeds and fit times, is
    ``benchmarks/tabular_results.md`` (and ``benchmarks/README.md``).

    Parameters
    ----------
    **overrides : dict
        Any :class:`~sklweight.WeightedMLPClassifier` parameter, replacing the recipe's.

    Returns
    -------
    estimator : WeightedMLPClassifier
        Unfitted.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklweight import recipes
    >>> clf = recipes.tabular(random_state=0)
    >>> clf.criterion, clf.num_embedding, clf.n_ensemble
    ('logit_adjusted', 'piecewise_linear', 8)
    >>> model = make_pipeline(StandardScaler(), recipes.tabular(max_epochs=5))
    """
    return WeightedMLPClassifier(**{**TABULAR, **overrides})
