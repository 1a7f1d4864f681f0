"""The post-hoc logit-adjustment rule (sklweight/_net/posthoc.py)."""

import numpy as np
import pytest
import torch

from sklweight._net.posthoc import (
    log_prior,
    posthoc_log_proba,
    posthoc_nonlinearity,
    posthoc_proba,
)

COUNTS = np.array([60.0, 30.0, 10.0])


def _logits(seed=0, n=20):
    return torch.randn(n, 3, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def test_log_prior_is_log_of_normalised_counts():
    np.testing.assert_allclose(log_prior(COUNTS, caller="t").numpy(), np.log([0.6, 0.3, 0.1]))
    assert log_prior(COUNTS, caller="t").dtype == torch.float64


def test_a_class_without_rows_gets_the_smallest_positive_count():
    # the loss library's rule: finite log prior, the missing class treated as the rarest
    np.testing.assert_allclose(
        log_prior([6.0, 0.0, 2.0], caller="t").numpy(), np.log([0.6, 0.2, 0.2])
    )


def test_missing_counts_name_the_caller_and_the_fix():
    with pytest.raises(ValueError, match="Est: posthoc_tau needs the training class counts"):
        log_prior(None, caller="Est")


def test_adjustment_is_logits_minus_tau_log_prior():
    logits = _logits()
    prior = log_prior(COUNTS, caller="t")
    expected = torch.softmax(logits - 0.7 * torch.log(torch.tensor([0.6, 0.3, 0.1],
                                                                   dtype=torch.float64)), -1)
    np.testing.assert_allclose(posthoc_log_proba(logits, prior, 0.7).exp(), expected)


def test_logits_and_log_probabilities_give_the_same_adjustment():
    logits = _logits(1)
    prior = log_prior(COUNTS, caller="t")
    from_logits = posthoc_log_proba(logits, prior, 1.0)
    from_log_proba = posthoc_log_proba(torch.log_softmax(logits, -1), prior, 1.0)
    np.testing.assert_allclose(from_logits, from_log_proba, atol=1e-12)


@pytest.mark.parametrize("tau", [None, 0, 0.0])
def test_off_returns_the_nonlinearity_itself(tau):
    def softmax(z):
        return torch.softmax(z, -1)

    assert posthoc_nonlinearity(softmax, tau, COUNTS, outputs_logits=True, caller="t") is softmax
    proba = np.full((2, 3), 1 / 3)
    assert posthoc_proba(proba, COUNTS, tau, caller="t") is proba


@pytest.mark.parametrize("outputs_logits", [True, False])
def test_adjusted_probabilities_sum_to_one_and_favour_rare_classes(outputs_logits):
    def softmax(z):
        return torch.softmax(z, -1)

    adjusted = posthoc_nonlinearity(softmax, 1.0, COUNTS, outputs_logits=outputs_logits,
                                    caller="t")
    logits = torch.zeros(4, 3, dtype=torch.float64)  # the posterior equals the prior
    proba = adjusted(logits)
    np.testing.assert_allclose(proba.sum(-1), 1.0)
    # equal logits: the adjusted probabilities are proportional to 1 / prior
    assert torch.all(proba.argmax(-1) == 2)


def test_numpy_path_matches_the_torch_path():
    logits = _logits(2)
    proba = torch.softmax(logits, -1).numpy()
    expected = posthoc_log_proba(logits, log_prior(COUNTS, caller="t"), 1.5).exp().numpy()
    np.testing.assert_allclose(posthoc_proba(proba, COUNTS, 1.5, caller="t"), expected,
                               atol=1e-12)


def test_float32_logits_stay_float32():
    logits = _logits().to(torch.float32)
    out = posthoc_log_proba(logits, log_prior(COUNTS, caller="t"), 1.0)
    assert out.dtype == torch.float32
