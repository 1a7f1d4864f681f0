"""The weighted sampler: mini-batch rows drawn with replacement, proportional to weights.

``_draw_weighted_indices`` draws all indices of an epoch at once by inverse-CDF
sampling (a float64 cumulative sum and ``torch.searchsorted`` of uniform draws), on the
weights' device. Unlike ``torch.multinomial`` (and so ``WeightedRandomSampler``) it has
no limit of 2**24 categories, and a row of zero weight is never drawn.
:class:`WeightedSampler` is the ``torch.utils.data.Sampler`` built on it and
:func:`make_sampler` builds one from labels and a class-weight strategy.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.utils import check_random_state
from torch.utils.data import Sampler

from ._net.weighting import SAMPLE_WEIGHT_SAMPLER, warn_unweighted_sampler
from .class_weight._checks import check_labels
from .class_weight._counts import weighted_class_counts
from .class_weight._strategies import check_strategy_name
from .class_weight._vector import class_weight_vector
from .utils._docstring import fill_doc
from .utils._validation import (
    Integral,
    Interval,
    check_sample_weight,
    format_param_error,
    validate_params,
)

__all__ = [
    "WeightedSampler",
    "make_sampler",
]


def _check_weights(weights, *, caller):
    """Return ``weights`` as a 1-D floating tensor with a positive, finite sum."""
    if not isinstance(weights, torch.Tensor):
        try:
            weights = torch.as_tensor(np.asarray(weights, dtype=np.float64))
        except (TypeError, ValueError) as exc:
            raise ValueError(
                format_param_error("weights", caller, "a 1-D tensor of floats", type(weights))
            ) from exc
    if weights.is_complex() or weights.ndim != 1 or weights.shape[0] == 0:
        raise ValueError(
            format_param_error(
                "weights",
                caller,
                "a non-empty 1-D tensor of real weights",
                f"a {weights.dtype} tensor of shape {tuple(weights.shape)}",
            )
        )
    if not weights.is_floating_point():
        weights = weights.to(torch.float64)
    for bad, expected in ((~torch.isfinite(weights), "finite"), (weights < 0, "non-negative")):
        if bool(bad.any()):
            index = int(torch.nonzero(bad)[0, 0])
            raise ValueError(
                format_param_error(
                    "weights", caller, expected, f"entry {index} is {weights[index].item()!r}"
                )
            )
    if not bool((weights > 0).any()):
        raise ValueError(
            format_param_error("weights", caller, "positive for at least one row", "all zeros")
        )
    return weights


def _check_generator(generator, *, caller):
    if generator is not None and not isinstance(generator, torch.Generator):
        raise ValueError(
            format_param_error("generator", caller, "None or a torch.Generator", generator)
        )
    return generator


def _cumulative(weights):
    """Cumulative weights (float64; float32 on MPS, which has no float64) and last row."""
    dtype = torch.float32 if weights.device.type == "mps" else torch.float64
    cdf = torch.cumsum(weights.to(dtype), dim=0)
    # First index where the total is reached: the last row of positive weight.
    last = torch.searchsorted(cdf, cdf[-1:])
    return cdf, last


def _draw(cdf, last, num_samples, generator):
    """Inverse-CDF draws for validated input (no host-device synchronisation)."""
    device = cdf.device
    draw_device = generator.device if generator is not None else device
    uniform = torch.rand(num_samples, generator=generator, dtype=cdf.dtype, device=draw_device)
    uniform = uniform.to(device).mul_(cdf[-1])
    # Row i is drawn when cdf[i-1] <= u < cdf[i]: an interval of length weights[i], empty
    # for a zero weight. The clamp catches u rounding up to the total.
    return torch.minimum(torch.searchsorted(cdf, uniform, right=True), last)


def _draw_weighted_indices(weights, num_samples, *, generator=None):
    """Draw row indices with replacement, with probabilities proportional to ``weights``.

    Parameters
    ----------
    weights : Tensor of shape (n_rows,)
        Non-negative, finite weights with a positive sum, on any device (array-likes are
        converted to a float64 CPU tensor). Any number of rows (no 2**24 limit).
    num_samples : int
        Number of indices to draw (>= 0).
    generator : torch.Generator, default=None
        Source of randomness; ``None`` uses torch's global generator of the weights'
        device. A generator on another device is used there and its draws moved.

    Returns
    -------
    indices : LongTensor of shape (num_samples,)
        On the weights' device. Rows of zero weight are never drawn.

    Examples
    --------
    >>> import torch
    >>> from sklweight.sampling import _draw_weighted_indices
    >>> g = torch.Generator().manual_seed(0)
    >>> idx = _draw_weighted_indices(torch.tensor([0.0, 1.0, 3.0]), 1000, generator=g)
    >>> idx.shape, bool((idx == 0).any())
    (torch.Size([1000]), False)
    """
    caller = "_draw_weighted_indices"
    validate_params(
        {"num_samples": [Interval(Integral, 0, None, closed="left")]},
        {"num_samples": num_samples},
        caller,
    )
    weights = _check_weights(weights, caller=caller)
    cdf, last = _cumulative(weights)
    return _draw(cdf, last, num_samples, _check_generator(generator, caller=caller))


class WeightedSampler(Sampler[int]):
    """Sample row indices with replacement, proportional to per-row weights.

    A :class:`torch.utils.data.Sampler` for a ``DataLoader`` (like
    ``WeightedRandomSampler(weights, num_samples, replacement=True)``), drawing each
    epoch's indices in one vectorised call of ``_draw_weighted_indices``. The
    cumulative weights are computed once, here.

    Parameters
    ----------
    weights : Tensor of shape (n_rows,)
        Non-negative, finite weights with a positive sum, on any device.
    num_samples : int, default=None
        Indices per epoch; ``None`` means ``len(weights)``.
    generator : torch.Generator, default=None
        Source of randomness; ``None`` uses torch's global generator.

    Attributes
    ----------
    weights : Tensor of shape (n_rows,)
        The validated weights.
    num_samples : int
        Indices per epoch.
    generator : torch.Generator or None
        The generator passed.

    Examples
    --------
    >>> import torch
    >>> from torch.utils.data import DataLoader, TensorDataset
    >>> from sklweight.sampling import WeightedSampler
    >>> dataset = TensorDataset(torch.arange(4.0))
    >>> sampler = WeightedSampler(torch.tensor([1.0, 1.0, 0.0, 2.0]),
    ...                           generator=torch.Generator().manual_seed(0))
    >>> len(sampler), sampler.draw().shape
    (4, torch.Size([4]))
    >>> sum(len(batch) for (batch,) in DataLoader(dataset, batch_size=2, sampler=sampler))
    4
    """

    def __init__(self, weights, num_samples=None, *, generator=None):
        super().__init__()
        caller = type(self).__name__
        self.weights = _check_weights(weights, caller=caller)
        if num_samples is None:
            num_samples = self.weights.shape[0]
        validate_params(
            {"num_samples": [Interval(Integral, 1, None, closed="left")]},
            {"num_samples": num_samples},
            caller,
        )
        self.num_samples = int(num_samples)
        self.generator = _check_generator(generator, caller=caller)
        self._cdf, self._last = _cumulative(self.weights)

    @classmethod
    def _from_valid_weights(cls, weights, *, generator=None):
        """A sampler over weights the caller has validated (the classifiers' plan):
        one draw per row and epoch, no second check of the weights."""
        sampler = cls.__new__(cls)
        Sampler.__init__(sampler)
        sampler.weights = weights
        sampler.num_samples = int(weights.shape[0])
        sampler.generator = generator
        sampler._cdf, sampler._last = _cumulative(weights)
        return sampler

    def draw(self):
        """Draw one epoch of indices.

        Returns
        -------
        indices : LongTensor of shape (num_samples,)
            On the weights' device.
        """
        return _draw(self._cdf, self._last, self.num_samples, self.generator)

    def __iter__(self):
        yield from self.draw().tolist()

    def __len__(self):
        return self.num_samples


def _make_generator(random_state, device, *, caller):
    if isinstance(random_state, torch.Generator):
        return random_state
    try:
        rng = check_random_state(random_state)
    except ValueError as exc:
        raise ValueError(
            format_param_error(
                "random_state",
                caller,
                "None, an int, a numpy RandomState or a torch.Generator",
                random_state,
            )
        ) from exc
    seed = int(rng.randint(np.iinfo(np.int64).max, dtype=np.int64))
    return torch.Generator(device=device).manual_seed(seed)


@fill_doc
def make_sampler(
    y,
    strategy="balanced",
    *,
    sample_weight=None,
    num_samples=None,
    random_state=None,
    device=None,
):
    """Build a :class:`WeightedSampler` that rebalances classes or follows sample weights.

    Parameters
    ----------
    %(y)s
    strategy : str, dict, callable or ClassWeights, default="balanced"
        ``"sample_weight"`` draws rows proportionally to ``sample_weight`` (all ones
        when it is ``None``). Anything else is a class-weight strategy of
        :func:`compute_class_weight` (a dict, a callable or a name, one of
        %(strategy_names)s)
        or a :class:`ClassWeights`: rows are drawn proportionally to their class
        weight ``c[y_i]``, so ``"balanced"`` draws every class equally often.
    %(sample_weight)s
        Except with ``strategy="sample_weight"``, the sample weights are meant to stay
        in the loss: they enter the sampling only through the weighted class counts,
        and rows of zero weight are never drawn.
    num_samples : int, default=None
        Indices per epoch; ``None`` means ``len(y)``.
    random_state : int, RandomState instance, torch.Generator or None, default=None
        Seeds the sampler's own ``torch.Generator`` (on ``device``), drawn from
        scikit-learn's ``check_random_state(random_state)``; a ``torch.Generator`` is
        used as is. Successive epochs continue its stream.
    device : str or torch.device, default=None
        Device of the weights and of the drawn indices; ``None`` means CPU.

    Returns
    -------
    sampler : WeightedSampler

    Examples
    --------
    >>> import numpy as np
    >>> from sklweight.sampling import make_sampler
    >>> y = np.array([0] * 90 + [1] * 10)
    >>> sampler = make_sampler(y, "balanced", num_samples=10_000, random_state=0)
    >>> counts = np.bincount(y[sampler.draw().numpy()])
    >>> bool(abs(counts[1] / 10_000 - 0.5) < 0.03)
    True
    """
    caller = "make_sampler"
    if isinstance(strategy, str):
        check_strategy_name(strategy, caller=caller, extra=(SAMPLE_WEIGHT_SAMPLER,))
    y, classes, y_idx = check_labels(y, caller=caller)
    if isinstance(strategy, str) and strategy == SAMPLE_WEIGHT_SAMPLER:
        if sample_weight is None:
            warn_unweighted_sampler(caller, param="strategy")
        probabilities = check_sample_weight(sample_weight, y.shape[0], caller=caller)
    else:
        sample_weight = check_sample_weight(sample_weight, y.shape[0], caller=caller)
        counts = weighted_class_counts(y_idx, classes.shape[0], sample_weight)
        class_weight = class_weight_vector(
            strategy, classes, counts, n_rows=np.count_nonzero(sample_weight), caller=caller,
            param="strategy",
        )
        probabilities = class_weight[y_idx]
        probabilities[sample_weight == 0] = 0.0
        if not probabilities.any():
            raise ValueError(
                format_param_error(
                    "strategy",
                    caller,
                    "class weights giving some row a positive probability",
                    strategy,
                )
            )
    device = torch.device("cpu") if device is None else torch.device(device)
    generator = _make_generator(random_state, device, caller=caller)
    dtype = torch.float32 if device.type == "mps" else torch.float64
    weights = torch.as_tensor(probabilities, dtype=dtype, device=device)
    return WeightedSampler(weights, num_samples, generator=generator)
