"""Root pytest configuration (applies to the tests and to the docstring examples)."""

import torch

# CI machines have 2 cores; one intra-op thread per process avoids oversubscription when
# pytest-xdist or GridSearchCV(n_jobs=2) run several fits at once.
torch.set_num_threads(1)
