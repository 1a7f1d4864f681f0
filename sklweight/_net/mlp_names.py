"""scikit-learn's ``MLPClassifier`` parameters that ``WeightedMLPClassifier`` spells
differently or does not have, and what to write instead.

A user who swaps ``MLPClassifier`` for ``WeightedMLPClassifier`` keeps their keywords;
each one gets an answer at construction (a ``TypeError``, as Python gives for any unknown
keyword) instead of a fit-time surprise.
"""

from __future__ import annotations

__all__ = ["MLPCLASSIFIER_NAMES"]

_SGD_ONLY = (
    "it is an option of MLPClassifier's solver='sgd', which is not supported here "
    "(training uses Adam with a constant lr); for SGD or a learning-rate schedule use "
    "WeightedNeuralNetClassifier(optimizer=torch.optim.SGD, callbacks=[LRScheduler(...)])"
)
_ADAM = (
    "Adam runs with torch's betas=(0.9, 0.999) and eps=1e-8, the same values as "
    "MLPClassifier's defaults beta_1, beta_2 and epsilon; to change them use "
    "WeightedNeuralNetClassifier(optimizer=torch.optim.Adam, optimizer__betas=..., "
    "optimizer__eps=...)"
)

#: MLPClassifier's name -> the advice (``{value!r}`` is the value the user passed)
MLPCLASSIFIER_NAMES = {
    "max_iter": "this estimator calls it max_epochs: pass max_epochs={value!r}",
    "learning_rate_init": "this estimator calls it lr: pass lr={value!r}",
    "alpha": (
        "this estimator's L2 penalty is weight_decay, in torch's form: weight_decay * "
        "param is added to the gradient of every parameter, while MLPClassifier's "
        "alpha adds alpha / batch_size * W to the gradient of the weight matrices only; "
        "so pass weight_decay=alpha / batch_size (MLPClassifier's default "
        "alpha=1e-4 at batch_size=200 is weight_decay=5e-7, which changes no prediction "
        "measurably; the default here is weight_decay=0.0)"
    ),
    "solver": (
        "not supported: WeightedMLPClassifier always trains with Adam (MLPClassifier's "
        "default solver='adam'); for another optimizer use "
        "WeightedNeuralNetClassifier(module, optimizer=...)"
    ),
    "warm_start": (
        "not supported: every fit trains a new network; WeightedNeuralNetClassifier has "
        "warm_start=True and partial_fit"
    ),
    "shuffle": (
        "not supported: the training rows are always shuffled each epoch "
        "(MLPClassifier's default shuffle=True)"
    ),
    "learning_rate": _SGD_ONLY,
    "power_t": _SGD_ONLY,
    "momentum": _SGD_ONLY,
    "nesterovs_momentum": _SGD_ONLY,
    "beta_1": _ADAM,
    "beta_2": _ADAM,
    "epsilon": _ADAM,
    "max_fun": "it is an option of MLPClassifier's solver='lbfgs', which is not supported",
}
