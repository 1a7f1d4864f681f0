"""The estimators' private machinery, one concept a module.

* :mod:`.input_validation` -- fit / predict inputs checked once (``FitData``).
* :mod:`.batching` -- weights travel with X and y through the split and the batches.
* :mod:`.weighting` -- THE weighting rule: ``s * c[y]``, the weight plan, normalisations.
* :mod:`.criterion`, :mod:`.criterion_params` -- criterion names, classes and instances;
  ``criterion__*`` parameters of the turnkey estimator.
* :mod:`.training` -- how a fit ends (early stop, Ctrl-C, non-finite loss).
* :mod:`.seeding` -- ``random_state`` for one fit.
* :mod:`.mlp_module` -- the torch module of ``WeightedMLPClassifier``.

Nothing here is public API; the public names are re-exported by :mod:`sklweight`.
"""
