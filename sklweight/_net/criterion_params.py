"""``criterion__<name>`` hyper-parameters for estimators with an explicit signature.

skorch routes loss hyper-parameters by prefix (``criterion__gamma=2``) through its
``**kwargs`` constructor. The turnkey estimator keeps scikit-learn's explicit signature and
accepts those keywords on top, so ``GridSearchCV`` can tune ``criterion__gamma`` and
``clone`` round-trips them. Any other unknown keyword is a ``TypeError`` at construction,
as Python raises for any function; the message names the parameter to use where there is
one (``max_iter`` -> ``max_epochs``).
"""

from __future__ import annotations

from ..utils._validation import did_you_mean

__all__ = ["CRITERION_PREFIX", "CriterionParamsMixin"]

CRITERION_PREFIX = "criterion__"


class CriterionParamsMixin:
    """get_params / set_params that include the ``criterion__*`` keywords.

    The estimator's ``__init__`` takes ``**criterion__params`` and stores them verbatim
    with ``vars(self).update(self._checked_keywords(criterion__params))``; the loss
    checks their names and values at ``fit``. The catch-all is named
    ``criterion__params`` so that its own name is one of the keywords it accepts
    (scikit-learn's ``check_do_not_raise_errors_in_init_or_set_params`` passes every name
    of the signature as a keyword). ``_foreign_params`` maps the parameter
    names of a related estimator to the advice given when one is passed.
    """

    _foreign_params: dict = {}

    def _checked_keywords(self, kwargs):
        """Return ``kwargs`` when every key is ``criterion__<name>``; else TypeError."""
        for key, value in kwargs.items():
            if not key.startswith(CRITERION_PREFIX):
                raise TypeError(
                    f"{type(self).__name__}.__init__() got an unexpected keyword argument "
                    f"{key!r}: {self._advice(key, value)}"
                )
        return kwargs

    def _advice(self, key, value):
        if key in self._foreign_params:
            return self._foreign_params[key].format(value=value) + "."
        names = sorted(self._get_param_names())
        suggestion = did_you_mean(key, names)
        if suggestion:
            return suggestion[0].lower() + suggestion[1:]
        return (
            f"its parameters are {names}, and a loss hyper-parameter is passed with the "
            f"'criterion__' prefix (criterion__{key}={value!r})."
        )

    def _criterion_params(self):
        """The ``criterion__*`` keywords stored on the estimator."""
        return {k: v for k, v in vars(self).items() if k.startswith(CRITERION_PREFIX)}

    def get_params(self, deep=True):
        """Get parameters, including the ``criterion__*`` loss hyper-parameters.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of sub-objects that are estimators.

        Returns
        -------
        params : dict
        """
        return {**super().get_params(deep=deep), **self._criterion_params()}

    def set_params(self, **params):
        """Set parameters; ``criterion__<name>`` sets a loss hyper-parameter.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : estimator instance
        """
        valid = set(self._get_param_names())
        for key, value in params.items():
            base = key.split("__", 1)[0]
            if base not in valid and not key.startswith(CRITERION_PREFIX):
                # scikit-learn's error type and wording, with the parameter to use
                raise ValueError(
                    f"Invalid parameter {key!r} for estimator {type(self).__name__}: "
                    f"{self._advice(key, value)}"
                )
        routed = {k: params.pop(k) for k in list(params) if k.startswith(CRITERION_PREFIX)}
        vars(self).update(routed)
        return super().set_params(**params)
