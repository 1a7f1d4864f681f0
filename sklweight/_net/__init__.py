"""The estimators' private machinery, one concept a module.

* :mod:`.input_validation` -- fit / predict inputs checked once; :class:`.FitData`, the
  validated fit data, still NumPy; the labels learnt and encoded.
* :mod:`.input_width`, :mod:`.device` -- the user's module against X's width, the
  ``device`` against this machine.
* :mod:`.weighting` -- THE weighting rule: ``s * c[y]``, the weight plan, the
  normalisations, the batch objective, the one warning about untrained classes.
* :mod:`.data_hooks` -- skorch's dataset, split and iterator hooks: split indices on the
  NumPy labels, plan the weights, build the tensors once on the device;
  :mod:`.batching` -- the tensors of a split and their index batches (weights travel
  with X and y).
* :mod:`.training` -- THE training loop: the epoch loop, the training step, mixup, how a
  fit ends (early stop, Ctrl-C, non-finite loss); opens with the table of every skorch
  method sklweight overrides. :mod:`.epoch_plan` -- which batch hooks act and which
  optimizer steps without a closure; :mod:`.precision` -- ``precision`` as autocast and a
  grad scaler; :mod:`.mixup` -- the batch mixing; :mod:`.history` -- skorch's history
  and per-epoch callbacks without their overhead; :mod:`.scoring` -- skorch's scoring
  callbacks see the labels ``predict`` returns; :mod:`.divergence` -- the warning of a
  fit that diverged or predicts one class; :mod:`.seeding` -- ``random_state`` for one
  fit, and the lock of torch's global RNG.
* :mod:`.module_output` -- the module's input and outputs: ``infer``, the batch objective
  (``get_loss``), the probabilities (``(n, C)`` or an ensemble's ``(n, k, C)``).
* :mod:`.criterion`, :mod:`.criterion_params` -- criterion names, classes and instances;
  ``criterion__*`` parameters of the turnkey estimator (:mod:`.mlp_names`: what to write
  for ``MLPClassifier``'s other parameter names). :mod:`.posthoc` -- the post-hoc logit
  adjustment rule.
* :mod:`.estimator_params` -- the constraints and docstrings of the parameters both
  classifiers share.
* :mod:`.mlp_module` -- the torch module of ``WeightedMLPClassifier``; :mod:`.mlp_net` --
  the skorch net it trains (optimiser, split, early stopping) and reads back;
  :mod:`.plateau` -- what its stop-on-plateau rule watches; :mod:`.auto_split` --
  ``early_stopping="auto"``: a held-out split only where the data allow one.
* :mod:`.tabular_module` -- the MLP with numerical feature embeddings and a batched
  ensemble of members (``num_embedding``, ``n_ensemble``); :mod:`.embeddings` -- the
  piecewise-linear and periodic embeddings, and the callback that fits their bins on the
  training rows of each fit.

Nothing here is public API; the public names are re-exported by :mod:`sklweight`.
"""
