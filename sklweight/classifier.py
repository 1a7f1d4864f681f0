"""WeightedNeuralNetClassifier: skorch's classifier with per-row weights that survive
the validation split and the batching."""

from __future__ import annotations

import copy

import numpy as np
import torch
from skorch import NeuralNetClassifier
from skorch.callbacks import EpochScoring, EpochTimer
from skorch.dataset import ValidSplit
from skorch.utils import to_device

from ._net.batching import BatchIterator
from ._net.criterion import resolve_criterion
from ._net.data_hooks import WeightedDataMixin
from ._net.device import check_device
from ._net.estimator_params import SHARED_CONSTRAINTS, shared_doc
from ._net.history import BatchMeanScoring, QuietPrintLog
from ._net.input_validation import FitData, validate_fit_data
from ._net.input_width import check_input_width
from ._net.module_output import ModuleOutputMixin
from ._net.seeding import SeededFit
from ._net.training import TrainingLoopMixin
from ._net.weighting import check_weighting_names
from .losses._registry import get_loss
from .utils._predict import ProbaClassifierMixin
from .utils._validation import (
    Integral,
    Interval,
    Options,
    Real,
    validate_params,
)

__all__ = ["WeightedNeuralNetClassifier"]


@shared_doc
class WeightedNeuralNetClassifier(
    TrainingLoopMixin, WeightedDataMixin, ModuleOutputMixin, ProbaClassifierMixin,
    NeuralNetClassifier,
):
    """skorch's ``NeuralNetClassifier`` with class weights, sample weights and samplers.

    Bring your own ``torch.nn.Module`` (it outputs logits). ``fit(X, y, sample_weight)``
    carries the per-row weights inside the dataset, so skorch's internal validation split
    and the mini-batches slice them with X and y; class weights are computed from the
    rows actually trained on; the batch loss is normalised as ``weight_normalization``
    says (see the user guide, "weight semantics").

    Parameters
    ----------
    module : torch.nn.Module class or instance
        The network; its ``forward`` returns logits of shape (n_samples, n_classes)
        (or probabilities with ``criterion=torch.nn.NLLLoss``, as in skorch), or, for an
        ensemble of ``k`` members, logits of shape (n_samples, k, n_classes): each row's
        loss is then the mean of its members' losses and ``predict_proba`` the mean of
        their probabilities.
    %(criterion)s
    %(class_weight)s
    %(sampler)s
    %(weight_normalization)s
    %(random_state)s
    %(posthoc_tau)s
    %(mixup_alpha)s
    %(precision)s
    train_split : callable or None, default=ValidSplit(5, stratified=True)
        skorch's internal validation split; ``None`` trains on all rows.
    classes : array-like or None, default=None
        All labels, in the order of the module's outputs; the sorted labels of y when
        None. As in skorch, y may then hold these labels or their positions
        ``0..K-1``, and an empty list hides ``classes_``.
    iterator_train : class, default=BatchIterator
        Batch iterator for training; ``torch.utils.data.DataLoader`` also works.
    iterator_valid : class, default=BatchIterator
        Batch iterator for validation and prediction.
    **kwargs
        Any other skorch ``NeuralNet`` parameter (``max_epochs``, ``lr``, ``batch_size``,
        ``optimizer``, ``callbacks``, ``device``, ``warm_start``, ...).
        ``max_epochs=0`` initialises the module and trains nothing, as in skorch.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels, in the order of the module's outputs.
    %(class_weight_)s
    %(class_counts_)s
    n_features_in_ : int
        Number of features (2-D array input).
    feature_names_in_ : ndarray of str
        Column names, when X was a DataFrame.

    Examples
    --------
    >>> import numpy as np, torch
    >>> from sklweight import WeightedNeuralNetClassifier
    >>> X = np.random.RandomState(0).randn(200, 5).astype("float32")
    >>> y = (X[:, 0] > 1).astype(int)
    >>> net = WeightedNeuralNetClassifier(
    ...     torch.nn.Linear, module__in_features=5, module__out_features=2,
    ...     criterion="focal", criterion__gamma=2.0, class_weight="balanced",
    ...     max_epochs=5, lr=0.1, random_state=0, verbose=0)
    >>> net.fit(X, y, sample_weight=np.ones(200)).predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints = {
        **SHARED_CONSTRAINTS,
        # skorch's own parameters that it does not check (lr=0 trains nothing silently,
        # batch_size=0 fails deep inside the iterator); -1 is skorch's full batch;
        # max_epochs=0 is skorch's idiom for "initialise, train nothing"
        "lr": [Interval(Real, 0, None, closed="neither"), torch.Tensor],
        "batch_size": [Interval(Integral, 1, None, closed="left"), Options(Integral, {-1})],
        "max_epochs": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(
        self,
        module,
        *args,
        criterion="cross_entropy",
        class_weight=None,
        sampler=None,
        weight_normalization="global",
        random_state=None,
        posthoc_tau=None,
        mixup_alpha=None,
        precision=None,
        train_split=ValidSplit(5, stratified=True),  # noqa: B008 (skorch's default)
        classes=None,
        iterator_train=BatchIterator,
        iterator_valid=BatchIterator,
        **kwargs,
    ):
        super().__init__(
            module, *args, criterion=criterion, train_split=train_split, classes=classes,
            iterator_train=iterator_train, iterator_valid=iterator_valid, **kwargs,
        )
        self.class_weight = class_weight
        self.sampler = sampler
        self.weight_normalization = weight_normalization
        self.random_state = random_state
        self.posthoc_tau = posthoc_tau
        self.mixup_alpha = mixup_alpha
        self.precision = precision

    @property
    def _public_name(self):
        # the name shown in errors: WeightedMLPClassifier when it drives this net
        return getattr(self, "_owner_name", type(self).__name__)

    # ------------------------------------------------------------------ set-up hooks
    @property
    def _default_callbacks(self):
        return [
            ("epoch_timer", EpochTimer()),
            ("train_loss", BatchMeanScoring(name="train_loss", on_train=True)),
            ("valid_loss", BatchMeanScoring(name="valid_loss")),
            ("valid_acc", EpochScoring("accuracy", name="valid_acc", lower_is_better=False)),
            ("print_log", QuietPrintLog()),  # skorch's, silent at verbose=0
        ]

    def _check_weighting_params(self):
        params = {name: getattr(self, name) for name in self._parameter_constraints}
        check_weighting_names(params, self._public_name)  # a typo gets "Did you mean"
        validate_params(self._parameter_constraints, params, self._public_name)
        if isinstance(self.criterion, str):
            get_loss(self.criterion, caller=self._public_name)  # lists the valid names

    def initialize_module(self):
        """Build the module; a module instance is copied unless ``warm_start``.

        skorch trains a module instance in place. Here each fresh fit trains a copy of
        the instance as it was passed: the user's instance is never changed, and a second
        ``fit`` does not continue from the first one's weights.
        """
        super().initialize_module()
        if self.module_ is self.module and not self.warm_start:
            self.module_ = copy.deepcopy(self.module)
        return self

    def initialize_criterion(self):
        """Build the criterion: resolve names, pass class counts, ask torch losses for
        per-sample values (see ``sklweight/_net/criterion.py``)."""
        criterion, kwargs, self._criterion_mode = resolve_criterion(
            self.criterion, self.get_params_for("criterion"),
            getattr(self, "class_counts_", None), caller=self._public_name,
        )
        # also called again at fit with the class counts, outside skorch's device move
        self.criterion_ = to_device(self.initialized_instance(criterion, kwargs), self.device)
        return self

    # ------------------------------------------------------------------ public API
    def fit(self, X, y=None, sample_weight=None, **fit_params):
        """Initialise (unless ``warm_start``) and train the module.

        Parameters
        ----------
        X : array-like, DataFrame, Tensor, dict of arrays or torch Dataset
            Training input. Array-likes are validated like scikit-learn's.
        y : array-like of shape (n_samples,)
            Labels of any type (ints, strings, bools); ``predict`` returns them.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-row weights (e.g. label confidences). Zero-weight rows are
            removed before the split and the batching.
        **fit_params : dict
            Passed to the module's ``forward`` and to ``train_split`` (skorch).

        Returns
        -------
        self : WeightedNeuralNetClassifier
            The fitted estimator.
        """
        fresh = not (self.warm_start and self.initialized_)
        if not isinstance(X, FitData):  # FitData: the caller checked data and parameters
            self._check_weighting_params()
        check_device(self.device, self._public_name)
        with self._seeded(fresh):
            data = X if isinstance(X, FitData) else validate_fit_data(
                self, X, y, sample_weight, reset=fresh)
            if fresh:
                self.initialize()
            self.partial_fit(data, data.y, _routing_method="fit", **fit_params)
        return self

    def partial_fit(self, X, y=None, classes=None, sample_weight=None, **fit_params):
        """Train the module for ``max_epochs`` more epochs without re-initialising it.

        Parameters
        ----------
        X, y, sample_weight
            As in :meth:`fit`.
        classes : array-like or None, default=None
            All labels, needed on the first call when a batch may miss some.
        **fit_params : dict
            As in :meth:`fit`.

        Returns
        -------
        self : WeightedNeuralNetClassifier
            The fitted estimator.
        """
        routing = fit_params.pop("_routing_method", "partial_fit")
        if not isinstance(X, FitData):
            self._check_weighting_params()
            check_device(self.device, self._public_name)
            fresh = not self.initialized_
            with self._seeded(fresh):
                X = validate_fit_data(self,
                    X, y, sample_weight, reset=fresh, classes=classes)
                return self.partial_fit(X, X.y, _routing_method=routing, **fit_params)
        if not self.initialized_:
            self.initialize()
        if not X.passthrough:
            check_input_width(self.module_, X.X, self._public_name)
        self.run_training(X, y, _routing_method=routing, **fit_params)
        return self

    def predict_proba(self, X):
        """Return class probabilities, columns ordered as ``classes_``.

        Parameters
        ----------
        X : array-like, DataFrame, Tensor, dict or Dataset
            Input rows, with the same number of features as in ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        self.check_is_fitted()
        return super().predict_proba(X)

    # ------------------------------------------------------------------ helpers
    def _predict_labels(self):
        # a net that never saw labels (initialised, then ``load_params``) and has no
        # ``classes`` returns the output indices 0..K-1, as skorch's ``predict`` does
        return self._labels()

    def _labels(self):
        """The labels in the order of the module's outputs; None when the net never saw
        any (skorch's ``classes=[]`` hides ``classes_`` but the net still knows them)."""
        if self.classes is not None and len(self.classes):
            return np.asarray(self.classes)
        return getattr(self, "classes_inferred_", None)

    def _seeded(self, fresh):
        return SeededFit(self, fresh)
