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

from ._net.batching import BatchIterator, WeightedInput
from ._net.criterion import resolve_criterion
from ._net.data_hooks import WeightedDataMixin
from ._net.device import check_device
from ._net.fast_path import PRECISIONS, FastPathMixin
from ._net.history import BatchMeanScoring, QuietPrintLog
from ._net.input_validation import FitData, validate_fit_data
from ._net.input_width import check_input_width, input_width_error
from ._net.mixup import mixup_train_step
from ._net.module_output import ModuleOutputMixin
from ._net.scoring import decode_collected_targets
from ._net.seeding import SeededFit
from ._net.training import NonFiniteLossError, TrainingControlMixin
from ._net.weighting import WEIGHTING_CONSTRAINTS, check_weighting_names
from .losses._registry import get_loss
from .utils._docstring import fill_doc
from .utils._validation import (
    HasMethods,
    Integral,
    Interval,
    Options,
    Real,
    StrOptions,
    validate_params,
)

__all__ = ["NonFiniteLossError", "WeightedNeuralNetClassifier"]


@fill_doc
class WeightedNeuralNetClassifier(
    TrainingControlMixin, FastPathMixin, WeightedDataMixin, ModuleOutputMixin,
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
        (or probabilities with ``criterion=torch.nn.NLLLoss``, as in skorch).
    criterion : str, loss class or loss instance, default="cross_entropy"
        A registered loss name, one of
        %(loss_names)s
        (see :data:`sklweight.losses.LOSSES`), a loss of
        :mod:`sklweight.losses` or any torch loss. Hyper-parameters route the skorch way
        (``criterion__gamma=2``). Losses that need class counts get the weighted counts
        of the training rows at fit. A torch loss class is built with
        ``reduction="none"`` and weighted here.
    class_weight : None, str, dict or ClassWeights, default=None
        Per-class loss weights: a dict ``{label: weight}`` used as given, a
        :class:`ClassWeights` (tunable as ``class_weight__strategy``), or a strategy name
        of :func:`sklweight.compute_class_weight`, one of
        %(strategy_names)s.
        Computed on the training rows of each fit.
    sampler : None, str, dict or ClassWeights, default=None
        Draw training batches with a weighted random sampler (with replacement, one
        epoch = as many draws as training rows) whose per-class probabilities follow this
        strategy; ``"sample_weight"`` draws rows in proportion to ``sample_weight`` and
        takes those weights out of the loss. A sampler never changes the loss weights
        otherwise: add ``class_weight`` to ask for both.
    weight_normalization : {"global", "batch", "none"}, default="global"
        ``"global"``: weights rescaled to mean 1 over the training rows, batch loss
        ``sum(w l) / n_batch`` (all-ones weights equal no weights; scaling all weights
        changes nothing). ``"batch"``: ``sum(w l) / sum(w)`` per batch (torch).
        ``"none"``: ``sum(w l) / n_batch`` with raw weights (Keras).
    random_state : int or None, default=None
        Seeds the module initialisation, shuffling, sampling and dropout of a fit (the
        global torch RNG state is restored afterwards). ``None`` uses the global RNG.
    posthoc_tau : float or None, default=None
        Post-hoc logit adjustment (Menon et al., 2021): ``predict``, ``predict_proba``
        use ``softmax(logits - posthoc_tau * log(prior))``, the prior being
        ``class_counts_`` normalised (training rows counted by sample weight).
        ``None`` or 0: off, predictions exactly unadjusted; 1: the balanced rule.
        Only prediction changes, so :class:`~sklweight.TunedPosthocTauClassifierCV`
        can choose it without refitting. After ``criterion="logit_adjusted"`` the two
        adjustments add up.
    mixup_alpha : float or None, default=None
        Mixup: each training batch is mixed with a permutation of itself,
        ``x = lam x_i + (1 - lam) x_j`` with ``lam ~ Beta(alpha, alpha)``, and the loss
        is ``lam L(y_i; w_i) + (1 - lam) L(y_j; w_j)`` (each label keeps its row's
        weight). ``None``: off. Needs a single tensor input per batch.
    precision : {"bf16", "fp16"} or None, default=None
        Mixed precision: the forward pass and the loss run under ``torch.autocast``
        with bfloat16 or float16 (the sklweight losses compute in float32 inside it);
        ``"fp16"`` scales the loss with a ``torch.amp.GradScaler``. ``None``: the
        module's own dtype. ``"bf16"`` also runs on CPUs with bfloat16 support.
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
    class_weight_ : ndarray of shape (n_classes,) or None
        Class weights applied by the loss in the last fit.
    class_counts_ : ndarray of shape (n_classes,)
        Training rows per class in the last fit, counted by sample weight.
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
        **WEIGHTING_CONSTRAINTS,  # class_weight, sampler, weight_normalization
        "random_state": ["random_state"],
        "criterion": [str, type, HasMethods(["forward"])],
        "posthoc_tau": [Interval(Real, 0, None, closed="left"), None],
        "mixup_alpha": [Interval(Real, 0, None, closed="neither"), None],
        "precision": [StrOptions(set(PRECISIONS)), None],
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

    def on_epoch_end(self, net, **kwargs):
        super().on_epoch_end(net, **kwargs)
        # before the callbacks score the epoch: they compare targets with predict()'s
        # labels (sklweight/_net/scoring.py)
        decode_collected_targets(self, self._labels())

    def _check_weighting_params(self):
        params = {name: getattr(self, name) for name in self._parameter_constraints}
        check_weighting_names(params, self._public_name)  # a typo gets "Did you mean"
        validate_params(self._parameter_constraints, params, self._public_name)
        if isinstance(self.criterion, str):
            get_loss(self.criterion, caller=self._public_name)  # lists the valid names

    def initialize_module(self):
        """Build the module; a module instance is copied unless ``warm_start``.

        skorch trains a module instance in place, so the user's instance changed and a
        second ``fit`` continued from the first one's weights. Each fresh fit trains a
        copy of the instance as it was passed.
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

    # ------------------------------------------------------------------ steps
    def _set_training(self, training=True):
        # skorch calls this every batch; Module.train() walks every submodule, so only
        # switch when the mode actually changes.
        for name in self._modules + self._criteria:
            module = getattr(self, name + "_")
            if isinstance(module, torch.nn.Module) and module.training != training:
                module.train(training)

    def train_step_single(self, batch, **fit_params):
        if self.mixup_alpha is not None:  # sklweight/_net/mixup.py
            return mixup_train_step(self, batch, self.mixup_alpha, **fit_params)
        return super().train_step_single(batch, **fit_params)

    def infer(self, x, **fit_params):
        if isinstance(x, WeightedInput):
            x = x.X
        try:  # free unless torch raises: no per-batch cost
            if isinstance(x, torch.Tensor):  # the batch path: on the device, or moved
                plan = self._fast_plan  # the epoch's (sklweight/_net/fast_path.py)
                device = plan.device if plan is not None else (
                    None if self.device is None else torch.device(self.device))
                if device is not None and x.device != device:  # to an accelerator: async
                    x = x.to(device, non_blocking=device.type != "cpu")
                return self.module_(x, **fit_params)
            return super().infer(x, **fit_params)
        except RuntimeError as exc:
            error = input_width_error(exc, x, self._public_name)
            if error is None:
                raise
            raise error from exc

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
        self._check_weighting_params()
        check_device(self.device, self._public_name)
        with self._seeded(fresh):
            data = X if isinstance(X, FitData) else validate_fit_data(
                self, X, y, sample_weight, reset=fresh)  # FitData: checked by the caller
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

    def predict(self, X):
        """Return the predicted label of each row (labels as given to ``fit``).

        A net that never saw labels (initialised, then ``load_params``) and has no
        ``classes`` parameter returns the output indices ``0..K-1``, as skorch's
        ``predict`` does; pass ``classes=`` to get labels.

        Parameters
        ----------
        X : array-like, DataFrame, Tensor, dict or Dataset
            Input rows.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)  # checks that the net is fitted
        index = proba.argmax(axis=1)
        labels = self._labels()
        return index if labels is None else labels[index]

    # ------------------------------------------------------------------ helpers
    def _labels(self):
        """The labels in the order of the module's outputs; None when the net never saw
        any (skorch's ``classes=[]`` hides ``classes_`` but the net still knows them)."""
        if self.classes is not None and len(self.classes):
            return np.asarray(self.classes)
        return getattr(self, "classes_inferred_", None)

    def _seeded(self, fresh):
        return SeededFit(self, fresh)
