"""Named, measured settings of :class:`~sklweight.WeightedMLPClassifier`.

Each recipe returns a new, unfitted estimator; any of its parameters can be overridden
(``recipes.long_tail(random_state=0, max_epochs=300)``), and an unknown keyword raises
``TypeError`` as the estimator's constructor does. The input noise is in units of the
features' standard deviation: put a :class:`~sklearn.preprocessing.StandardScaler` in
front (``make_pipeline(StandardScaler(), recipes.long_tail())``).

The measurements (``benchmarks/learning_recipes.py``; SPEC section 8 protocols, seeds
0-4, balanced accuracy on balanced test sets, ``StandardScaler`` in a ``Pipeline``, one
torch thread on a shared 2-core x86-64 CPU, torch 2.13) are quoted in each docstring.
Both recipes stop on a plateau of the smoothed training loss (see
``WeightedMLPClassifier``'s ``early_stopping``): on the data sets measured (117-927
rows) they stopped by themselves after 114-230 epochs on average, so ``max_epochs=1000`` is
only a bound (the plain estimator runs into its ``max_epochs=200`` on all of them).
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
    training, at 178-214 epochs on digits-LT). Every other parameter keeps its default.

    Measured (seeds 0-4, balanced accuracy on a balanced test set; the paired gains are
    means over the seeds):

    ==================================  =========  =========  =========
    model                               digits-LT  synth-LT   cancer-LT
    ==================================  =========  =========  =========
    plain cross-entropy                 0.790      0.392      0.700
    ``class_weight="balanced"``         0.835      0.421      0.821
    ``criterion="logit_adjusted"``      0.852      0.446      0.867
    ``posthoc_tau=1``                   0.859      0.440      0.843
    LogisticRegression, balanced        0.843      0.323      0.894
    this recipe                         0.887      0.460      0.900
    ==================================  =========  =========  =========

    digits-LT is SPEC section 8's (240 rows, 87 to 2 per class; per seed 0.891 0.878 0.917
    0.852 0.899, +0.098 over plain cross-entropy, +0.045 over the logistic regression);
    synth-LT is ``make_classification`` with 10 classes made long-tailed the same way (275
    rows, 100 to 2 per class; +0.068, +0.137); cancer-LT is the breast-cancer data with
    112 rows of one class and 5 of the other (+0.200, +0.006: a linear model is as good
    there). The recipe was chosen on digits-LT only. Logit adjustment alone gains 0.06 on
    digits-LT; weight decay and input noise add 0.03 only together with it (SPEC section
    8); with width 100 instead of 256 the same training reached 0.880.

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
    ``max_epochs=1000`` (a bound: the plateau rule stops training, at 175-242 epochs on
    noisy digits); the loss stays the plain cross-entropy. Every other parameter keeps
    its default.

    Measured on noisy digits (927 rows, 30 % of the labels flipped, quality weight 0.2 on
    the flipped rows; seeds 0-4), balanced accuracy: plain cross-entropy without weights
    0.803, with the quality weights 0.927, ``LogisticRegression(class_weight="balanced")``
    with them 0.929, this recipe with them 0.971 (per seed 0.977 0.964 0.972 0.974 0.970;
    +0.045 over plain cross-entropy with the same weights, worst seed +0.034). Mixup
    (``mixup_alpha=0.2``) instead of, or on top of, the input noise measured 0.965 and
    0.960, so the recipe does not use it.

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
    "weight_decay": 3e-4,
    "num_embedding": "piecewise_linear",
    "n_bins": 16,
    "d_embedding": 16,
    "n_ensemble": 8,
    "tol": 1e-3,
    "dtype": "float32",
}


def tabular(**overrides):
    """A :class:`~sklweight.WeightedMLPClassifier` for imbalanced tables.

    What the tabular deep-learning literature found to close the gap to tree ensembles,
    with the loss of the long-tailed case:

    * ``criterion="logit_adjusted"`` (Menon et al. 2021, ``tau=1``): the balanced-error
      loss of :func:`long_tail`, without its input noise, and ``weight_decay=3e-4``
      (TabM's order of magnitude; :func:`long_tail`'s 3e-3 underfitted the tables whose
      classes a plain network separates almost perfectly);
    * ``num_embedding="piecewise_linear"``, ``n_bins=16``, ``d_embedding=16``: each
      standardised feature is encoded on up to 16 quantile bins of the rows trained on
      and embedded in 16 dimensions (Gorishniy et al., NeurIPS 2022), so the network
      can cut a feature at thresholds as a tree does;
    * ``n_ensemble=8``: eight members sharing the embeddings and the hidden layer,
      trained together in one batched forward pass, their probabilities averaged
      (TabM, Gorishniy et al., ICLR 2025);
    * ``tol=1e-3``: the plateau rule stops once the training loss falls by less than
      1e-3 in ``n_iter_no_change`` epochs, so training ends by itself instead of running
      into ``max_epochs`` while the embedded network keeps fitting its training rows;
    * ``dtype="float32"``: the embeddings multiply the first layer's width by
      ``d_embedding``; single precision keeps that cost down.

    Every other parameter keeps its default. Put a
    :class:`~sklearn.preprocessing.StandardScaler` in front
    (``make_pipeline(StandardScaler(), recipes.tabular())``).

    The settings were chosen on the development sets of the KEEL imbalanced collection
    (Alcala-Fdez et al., 2011) named in ``benchmarks/tabular.py``, against balanced
    random forests, balanced logistic regression and ``class_weight="balanced"``; the
    table of mean balanced accuracy, rank and fit time against all the anchors is
    ``benchmarks/tabular_results.md``.

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
