"""The data of a comparison: the embedded data sets and the CSV loader's preprocessing."""

import numpy as np
import pandas as pd
import pytest

from sklweight.compare.data import load_csv, load_dataset
from sklweight.datasets import make_long_tailed_digits, make_noisy_digits


def test_default_is_digits_lt_with_a_balanced_held_out_test_set():
    data = load_dataset("digits-lt", seed=3)
    X, X_test, y, y_test = make_long_tailed_digits(imbalance=50, random_state=3)
    np.testing.assert_array_equal(data.X, X)
    np.testing.assert_array_equal(data.y_test, y_test)
    assert data.sample_weight is None and data.weight_name is None
    assert sorted(data.class_counts.tolist(), reverse=True)[0] == 87
    assert "random_state=3" in data.load_code


def test_noisy_digits_carries_its_quality_weights():
    data = load_dataset("noisy-digits")
    quality = make_noisy_digits(random_state=0)[4]
    np.testing.assert_array_equal(data.sample_weight, quality)
    assert data.weight_name == "quality_weight" and data.weight_code == "quality_weight"
    assert "278 of them flipped" in data.description


def test_csv_preprocessing_scales_numbers_and_encodes_categories(tmp_path):
    frame = pd.DataFrame({
        "size": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0],
        "colour": ["red", "blue", "red", None, "blue", "red"],
        "flag": [True, False, True, True, False, False],
        "label": [0, 1, 0, 1, 0, 1],
        "w": [1, 0.5, 1, 1, 0.2, 1],
    })
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    data = load_csv(str(path), "label", "w")
    assert list(data.X.columns) == ["size", "colour", "flag"]
    np.testing.assert_array_equal(data.sample_weight, frame["w"].to_numpy())
    assert "1 numeric, 2 categorical" in data.description
    Xt = data.preprocessor().fit_transform(data.X)
    # size: imputed and standardised; colour: red/blue (+ the imputed mode); flag: 2 levels
    assert Xt.shape == (6, 1 + 2 + 2)
    assert Xt[:, 0].mean() == pytest.approx(0.0) and Xt[:, 0].std() == pytest.approx(1.0)
    assert set(np.unique(Xt[:, 1:])) == {0.0, 1.0}
    assert np.isfinite(Xt).all()
    # the printed loading lines give the same X and y
    namespace = {}
    exec("import numpy as np\nimport pandas as pd\n" + data.load_code, namespace)
    pd.testing.assert_frame_equal(namespace["X"], data.X)
    np.testing.assert_array_equal(namespace["y"], data.y)
