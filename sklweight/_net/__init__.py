"""The estimators' private machinery, one concept a module.

* :mod:`.input_validation` -- fit / predict inputs checked once (``FitData``); the labels
  learnt and encoded.
* :mod:`.input_width`, :mod:`.device` -- the user's module against X's width, the
  ``device`` against this machine.
* :mod:`.scoring` -- skorch's scoring callbacks see the labels ``predict`` returns.
* :mod:`.batching` -- weights travel with X and y through the split and the batches;
  :mod:`.data_hooks` -- skorch's dataset, split and iterator hooks built on them.
* :mod:`.module_output` -- the module's outputs: the batch objective (``get_loss``) and
  the predicted probabilities.
* :mod:`.fast_path` -- the per-batch hot path: the lean epoch loop and training step,
  mixed precision, prediction batches; :mod:`.history` -- skorch's history and per-epoch
  callbacks without their overhead.
* :mod:`.weighting` -- THE weighting rule: ``s * c[y]``, the weight plan, normalisations.
* :mod:`.criterion`, :mod:`.criterion_params` -- criterion names, classes and instances;
  ``criterion__*`` parameters of the turnkey estimator (:mod:`.mlp_names`: what to write
  for ``MLPClassifier``'s other parameter names).
* :mod:`.training` -- how a fit ends (early stop, Ctrl-C, non-finite loss).
* :mod:`.seeding` -- ``random_state`` for one fit.
* :mod:`.mlp_module` -- the torch module of ``WeightedMLPClassifier``; :mod:`.mlp_net` --
  the skorch net it trains (optimiser, split, early stopping) and reads back.

Nothing here is public API; the public names are re-exported by :mod:`sklweight`.
"""
