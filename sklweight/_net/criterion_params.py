"""``criterion__<name>`` hyper-parameters for estimators with an explicit signature.

skorch routes loss hyper-parameters by prefix (``criterion__gamma=2``) through its
``**kwargs`` constructor. The turnkey estimator keeps scikit-learn's explicit signature and
accepts those keywords on top, so ``GridSearchCV`` can tune ``criterion__gamma`` and
``clone`` round-trips them.
"""

from __future__ import annotations

__all__ = ["CRITERION_PREFIX", "CriterionParamsMixin"]

CRITERION_PREFIX = "criterion__"


class CriterionParamsMixin:
    """get_params / set_params that include the ``criterion__*`` keywords.

    The estimator's ``__init__`` takes ``**criterion_params`` and stores them verbatim
    (``vars(self).update(criterion_params)``); :meth:`_criterion_params` validates them
    at ``fit``.
    """

    def _extra_params(self):
        """Keyword arguments beyond the signature (loss hyper-parameters)."""
        named = set(self._get_param_names())
        return {
            k: v for k, v in vars(self).items()
            if k not in named and not k.startswith("_") and not k.endswith("_")
        }

    def _criterion_params(self):
        extra = self._extra_params()
        unknown = [k for k in extra if not k.startswith(CRITERION_PREFIX)]
        if unknown:
            raise ValueError(
                f"{type(self).__name__} got unexpected parameter(s) {unknown}. Loss "
                f"hyper-parameters are passed as 'criterion__<name>' (e.g. "
                f"criterion__{unknown[0]}=...)."
            )
        return extra

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
        return {**super().get_params(deep=deep), **self._extra_params()}

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
        extra = self._extra_params()
        routed = {
            k: params.pop(k) for k in list(params)
            if k.startswith(CRITERION_PREFIX) or k in extra
        }
        vars(self).update(routed)
        return super().set_params(**params)
