"""WeightedMLPClassifier: the turnkey estimator (an MLP built from the data at fit)."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from ._net.auto_split import resolve_early_stopping
from ._net.batching import TensorDataset
from ._net.bins import BIN_STRATEGIES
from ._net.criterion_params import CriterionParamsMixin
from ._net.embeddings import NUM_EMBEDDINGS
from ._net.estimator_params import SHARED_CONSTRAINTS, shared_doc
from ._net.input_validation import to_tensor, validate_fit_data
from ._net.mlp_module import ACTIVATIONS, hidden_layer_widths
from ._net.mlp_names import MLPCLASSIFIER_NAMES
from ._net.mlp_net import build_net, check_validation_split, fitted_attributes
from ._net.weighting import check_weighting_names
from .utils._dataframe import check_numeric_columns
from .utils._predict import ProbaClassifierMixin
from .utils._validation import Interval, StrOptions
from .utils._warnings import warn_user

__all__ = ["WeightedMLPClassifier"]

_DTYPES = {"float32": torch.float32, "float64": torch.float64}


@shared_doc
class WeightedMLPClassifier(
    CriterionParamsMixin, ProbaClassifierMixin, ClassifierMixin, BaseEstimator
):
    """Multi-layer perceptron classifier with class weights, sample weights and samplers.

    A turnkey estimator: the network (``hidden_layer_sizes``, ``activation``,
    ``dropout``) is built from the data at ``fit`` and trained with Adam (torch's
    fused kernel where it has one for the device) by a
    :class:`WeightedNeuralNetClassifier`. Loss hyper-parameters route the skorch way
    (``criterion__gamma=2``) and are tunable in ``GridSearchCV``.

    The defaults are scikit-learn's ``MLPClassifier``'s wherever both have the
    parameter: ``hidden_layer_sizes``, ``activation``, ``batch_size``, ``max_epochs``
    (its ``max_iter``), ``lr`` (its ``learning_rate_init``), ``tol``,
    ``n_iter_no_change``, ``early_stopping``, ``validation_fraction``, and Adam with
    betas (0.9, 0.999) and eps 1e-8. Three differences: no L2 penalty by default (see
    ``weight_decay``; its ``alpha=1e-4`` is negligible), early stopping monitors the
    weighted validation loss unless ``scoring`` is set (it monitors accuracy:
    ``scoring="accuracy"``), and the layers start from torch's ``nn.Linear``
    initialisation (it uses Glorot-uniform). Its other parameter names raise a
    ``TypeError`` that names the one to use (``max_iter`` -> ``max_epochs``, ``alpha``
    -> ``weight_decay``) or says that the option is not supported (``solver``,
    ``warm_start``, ...).

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(100,)
        Width of each hidden layer (an int: one hidden layer).
    activation : {"relu", "tanh", "logistic", "identity", "gelu"}, default="relu"
        Hidden-layer non-linearity.
    dropout : float, default=0.0
        Dropout probability after each hidden layer.
    %(criterion)s
    %(class_weight)s
    %(sampler)s
    %(weight_normalization)s
    batch_size : int or "auto", default="auto"
        Rows per mini-batch; ``"auto"`` is ``min(200, n_samples)``.
    max_epochs : int, default=200
        Maximum number of passes over the training rows.
    lr : float, default=1e-3
        Adam's learning rate.
    weight_decay : float, default=0.0
        Adam's L2 weight decay in torch's form: ``weight_decay * param`` is added to the
        gradient of every parameter (biases included). ``MLPClassifier``'s ``alpha``
        adds ``alpha / n_batch * W`` to the gradients of the weight matrices only, so it
        corresponds to ``weight_decay = alpha / batch_size``: its default 1e-4 is 5e-7
        at batch 200, too small to matter, hence no penalty by default.
    input_noise : float, default=0.0
        Standard deviation of Gaussian noise added to the inputs while training (never
        at prediction), in the units of the features: put a ``StandardScaler`` before
        the estimator. 0: off.
    num_embedding : {"piecewise_linear", "periodic"} or None, default=None
        Numerical feature embeddings (Gorishniy et al., 2022): each feature becomes a
        ``d_embedding``-vector before the first layer. ``"piecewise_linear"``: its
        piecewise-linear encoding on up to ``n_bins`` bins (``bin_strategy``) computed
        from the rows trained on (after the validation split, weighted as the loss
        weights them), then a per-feature linear layer; ``"periodic"``: sines and cosines of
        trained frequencies, then a per-feature linear layer. Columns that take at
        most two values in ``X`` (one-hot, binary) are fed as they are: an embedding
        adds nothing to them. None: the features as they are.
    n_bins : int, default=48
        Most bins per feature of ``num_embedding="piecewise_linear"``.
    bin_strategy : {"quantile", "tree"}, default="quantile"
        Where the bins of ``num_embedding="piecewise_linear"`` are cut.
        ``"quantile"``: at weighted quantiles of each feature, which follow where the
        rows are, the majority class's on an imbalanced table. ``"tree"``: at the
        thresholds of a decision tree with at most ``n_bins`` leaves (each holding at
        least 2% of the weight) grown on each feature alone to predict the label, every
        class given the same total weight (Gorishniy et al., 2022, target-aware bins),
        so a range that separates a minority class gets its own bins.
    d_embedding : int or "auto", default=16
        Width of each feature's embedding (with ``num_embedding``). ``"auto"``: 16,
        narrowed on wide tables so that the embedded features give the first layer at
        most 512 inputs (``512 // n_embedded``, at least 4), which keeps the first layer,
        the largest cost of an embedded network, near a plain one's on tables with
        dozens of numeric columns.
    n_ensemble : int, default=1
        Members of a batched ensemble (TabM-mini, Gorishniy et al., 2025): the members
        share the embeddings and hidden layers, each scales the first hidden layer's
        output by its own vector and has its own output layer, and all train together
        on the same batches in one forward pass. Each row's loss is the
        members' mean loss, weighted as any row's; ``predict_proba`` is the mean of
        the members' probabilities. 1: a single network.
    %(mixup_alpha)s
    early_stopping : bool or "auto", default=False
        Hold out ``validation_fraction`` of the rows (stratified) and stop when the
        validation score stops improving; the best epoch's weights are kept. When
        False, training stops when the training loss stops improving by ``tol``
        (with ``input_noise`` or ``mixup_alpha``: its mean over the last
        ``n_iter_no_change`` epochs, the epoch loss being noisy by design).
        ``"auto"``: True where the data allow a stratified split (every class has two
        rows, and ``validation_fraction`` leaves one of each on both sides), else False
        (``do_early_stopping_`` says which).
    validation_fraction : float or None, default=0.1
        Held-out fraction for early stopping; ``None`` means no split.
    n_iter_no_change : int, default=10
        Epochs without an improvement of at least ``tol`` before stopping.
    tol : float, default=1e-4
        Minimum improvement of the monitored loss or score.
    scoring : str or None, default=None
        Early-stopping score on the validation rows: a scikit-learn scorer name
        (``"balanced_accuracy"``, ``"f1_macro"``, ...; greater is better). ``None``
        monitors the weighted validation loss.
    %(posthoc_tau)s
    device : str, default="cpu"
        Torch device (``"cuda"`` trains and predicts on the GPU).
    dtype : {"float32", "float64"} or None, default=None
        Compute dtype; ``None`` follows X after validation (float32 stays float32,
        float64 and integer X train in float64).
    %(precision)s
    %(random_state)s
    verbose : int, default=0
        Print a per-epoch log when positive.
    **criterion__params : dict
        ``criterion__<name>=value`` hyper-parameters of the loss. Any other keyword
        is a ``TypeError`` at construction (the name of this catch-all carries the
        prefix, so that it is one of these keywords itself).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names, when X was a DataFrame with string column names.
    net_ : WeightedNeuralNetClassifier
        The trained skorch net (its ``history`` holds the per-epoch log).
    n_iter_ : int
        Number of epochs run.
    loss_curve_ : list of float
        Weighted training loss per epoch.
    validation_scores_ : list of float or None
        Monitored validation score per epoch (when early stopping).
    do_early_stopping_ : bool
        Whether the fit held out a validation split (``early_stopping``, resolved).
    %(class_weight_)s
    %(class_counts_)s

    See Also
    --------
    sklearn.neural_network.MLPClassifier : the unweighted reference.
    WeightedNeuralNetClassifier : the same weighting for your own torch module.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklweight import WeightedMLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = make_pipeline(StandardScaler(), WeightedMLPClassifier(
    ...     class_weight="balanced", criterion="focal", criterion__gamma=2.0,
    ...     max_epochs=10, random_state=0))
    >>> clf.fit(X, y).score(X, y) > 0.9
    True
    """

    _foreign_params = MLPCLASSIFIER_NAMES  # what to write instead of MLPClassifier's names

    _parameter_constraints = {
        "hidden_layer_sizes": [tuple, list, Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        **SHARED_CONSTRAINTS,
        "batch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "input_noise": [Interval(Real, 0, None, closed="left")],
        "num_embedding": [StrOptions(set(NUM_EMBEDDINGS)), None],
        "n_bins": [Interval(Integral, 1, None, closed="left")],
        "bin_strategy": [StrOptions(BIN_STRATEGIES)],
        "d_embedding": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "n_ensemble": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "scoring": [str, callable, None],
        "device": [str, torch.device],
        "dtype": [StrOptions(set(_DTYPES)), None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        dropout=0.0,
        *,
        criterion="cross_entropy",
        class_weight=None,
        sampler=None,
        weight_normalization="global",
        batch_size="auto",
        max_epochs=200,
        lr=1e-3,
        weight_decay=0.0,
        input_noise=0.0,
        mixup_alpha=None,
        num_embedding=None,
        n_bins=48,
        bin_strategy="quantile",
        d_embedding=16,
        n_ensemble=1,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        scoring=None,
        posthoc_tau=None,
        device="cpu",
        dtype=None,
        precision=None,
        random_state=None,
        verbose=0,
        **criterion__params,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.criterion = criterion
        self.class_weight = class_weight
        self.sampler = sampler
        self.weight_normalization = weight_normalization
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.lr = lr
        self.weight_decay = weight_decay
        self.input_noise = input_noise
        self.mixup_alpha = mixup_alpha
        self.num_embedding = num_embedding
        self.n_bins = n_bins
        self.bin_strategy = bin_strategy
        self.d_embedding = d_embedding
        self.n_ensemble = n_ensemble
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.scoring = scoring
        self.posthoc_tau = posthoc_tau
        self.device = device
        self.dtype = dtype
        self.precision = precision
        self.random_state = random_state
        self.verbose = verbose
        vars(self).update(self._checked_keywords(criterion__params))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = False
        return tags

    # -------------------------------------------------- fit / predict
    def fit(self, X, y, sample_weight=None):
        """Build the network from the data and train it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Labels of any type (ints, strings, bools).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-row weights; zero-weight rows are removed.

        Returns
        -------
        self : WeightedMLPClassifier
            Fitted estimator.
        """
        check_weighting_names(self.get_params(deep=False), type(self).__name__)
        self._validate_params()
        self._hidden_layer_sizes()
        check_numeric_columns(X, caller=f"{type(self).__name__}.fit")
        X, y = validate_data(self, X, y, dtype=(np.float64, np.float32), y_numeric=False)
        dtype = _DTYPES[self.dtype or ("float32" if X.dtype == np.float32 else "float64")]
        self.do_early_stopping_ = resolve_early_stopping(  # sklweight/_net/auto_split.py
            self.early_stopping, self.validation_fraction, y, sample_weight)
        net = build_net(self, X, np.unique(y), dtype)  # sklweight/_net/mlp_net.py
        net._owner_name = type(self).__name__  # errors raised by the net name this class
        try:
            # the one check of y and sample_weight in this fit; X was checked above and
            # stays NumPy until the net builds its tensors (inside the try: a bad y or
            # sample_weight must not leave the n_features_in_ that validate_data set, nor
            # an earlier fit's net_)
            data = validate_fit_data(net, X, y, sample_weight, reset=True, checked_X=True)
            if self._split_fraction():  # early_stopping with a held-out fraction
                check_validation_split(data.y, net.classes_inferred_, self._split_fraction(),
                                       type(self).__name__)
            net.set_params(batch_size=self._batch_size(len(data)))
            net.fit(data)
        except KeyboardInterrupt:
            # the net restored the last finished epoch's weights: keep them usable
            if net.initialized_:
                self._store_fit(net)
            else:
                self._clear_fit()
            raise
        except Exception:
            # e.g. NonFiniteLossError: leave the estimator unfitted, not half-trained
            # (validate_data set n_features_in_; an earlier fit's net_ must not survive)
            self._clear_fit()
            raise
        self._store_fit(net)
        if self.n_iter_ == self.max_epochs:
            warn_user(
                f"{type(self).__name__}: maximum epochs ({self.max_epochs}) reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
            )
        return self

    def _hidden_layer_sizes(self):
        """The validated layer widths as a tuple (an int means one hidden layer)."""
        return hidden_layer_widths(self.hidden_layer_sizes, type(self).__name__)

    def _clear_fit(self):
        for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
            delattr(self, name)

    def _store_fit(self, net):
        vars(self).update(fitted_attributes(net, self._split_fraction(), self.scoring))

    def _split_fraction(self):
        split = getattr(self, "do_early_stopping_", self.early_stopping is True)
        return self.validation_fraction if split else None

    def _batch_size(self, n_rows):
        """``"auto"`` is ``min(200, n_train)`` as in ``MLPClassifier``, ``n_train`` being
        the rows of positive weight left for training after the validation split."""
        if self.batch_size != "auto":
            return self.batch_size
        fraction = self._split_fraction()
        if fraction:
            n_rows = max(1, int(round(n_rows * (1 - fraction))))
        return min(200, n_rows)

    def _validate_X_predict(self, X):
        """X checked once, here, and handed to the net as its dataset (not re-checked)."""
        check_is_fitted(self)
        check_numeric_columns(X, caller=f"{type(self).__name__}.predict")
        X = validate_data(self, X, reset=False, dtype=(np.float64, np.float32))
        dtype = next(self.net_.module_.parameters()).dtype
        return TensorDataset(to_tensor(X, self.net_.device, dtype))

    def predict_proba(self, X):
        """Probability of each class, columns ordered as ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        X = self._validate_X_predict(X)
        return self.net_.predict_proba(X)
