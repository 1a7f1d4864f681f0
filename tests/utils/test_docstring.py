"""The shared docstring fragments: one registry, lists generated from the name registries."""

import inspect

import pytest

import sklweight
from sklweight import losses
from sklweight.class_weight._strategies import STRATEGY_NAMES
from sklweight.utils._docstring import FRAGMENTS, Substitution, inline_names, register_fragments


def _public_objects():
    """Every public class and function of the package, with its public methods."""
    for module in (sklweight, losses):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj
                for attr, member in vars(obj).items() if inspect.isclass(obj) else ():
                    if not attr.startswith("_") and inspect.isfunction(member):
                        yield f"{module.__name__}.{name}.{attr}", member


def test_no_public_docstring_keeps_a_marker():
    for name, obj in _public_objects():
        assert "%(" not in (obj.__doc__ or ""), name


@pytest.mark.parametrize(
    "obj", [sklweight.WeightedNeuralNetClassifier, sklweight.WeightedMLPClassifier, losses.get_loss]
)
def test_every_registered_loss_name_is_documented(obj):
    for name in losses.LOSSES:
        assert f'``"{name}"``' in obj.__doc__


@pytest.mark.parametrize(
    "obj",
    [
        sklweight.compute_class_weight,
        sklweight.ClassWeights,
        sklweight.WeightedNeuralNetClassifier,
        sklweight.WeightedMLPClassifier,
    ],
)
def test_every_registered_strategy_name_is_documented(obj):
    for name in STRATEGY_NAMES:
        assert f'``"{name}"``' in obj.__doc__


def test_strategy_fragment_shows_each_formula_from_the_registry():
    text = FRAGMENTS["strategy"]()
    assert '- ``"balanced"``: ``n / (K n_c)``' in text
    assert "Cui et al., 2019" in text


def test_listings_follow_the_registry(monkeypatch):
    monkeypatch.setitem(losses.LOSSES, "my_loss", losses.FocalLoss)

    @Substitution()
    def f():
        """Names:
        %(loss_names)s.
        """

    assert f.__doc__.splitlines()[1].strip().endswith('``"my_loss"``.')


def test_marker_indentation_and_trailing_punctuation():
    @Substitution(x="a\n  b")
    def f():
        """Head.

            %(x)s);
        """

    first, second = f.__doc__.splitlines()[2:4]
    marker_indent = 4 + len(f.__doc__.splitlines()[-1])  # the closing quotes' indent + 4
    assert first == " " * marker_indent + "a"
    assert second == " " * (marker_indent + 2) + "b);"


def test_local_fragment_takes_precedence_over_the_registry():
    @Substitution(weight="weight : local")
    def f():
        """%(weight)s"""

    assert f.__doc__ == "weight : local"


def test_unknown_marker_is_an_error_naming_it():
    with pytest.raises(KeyError, match="nope"):

        @Substitution()
        def f():
            """%(nope)s"""


def test_a_marker_inside_a_line_is_left_alone():
    @Substitution()
    def f():
        """Write %(weight)s inline."""

    assert f.__doc__ == "Write %(weight)s inline."


def test_a_marker_has_one_owner(monkeypatch):
    monkeypatch.setattr("sklweight.utils._docstring.FRAGMENTS", dict(FRAGMENTS))

    def names():
        return inline_names(["a", "b"])

    register_fragments(my_names=names)
    register_fragments(my_names=names)  # the same registration again is harmless
    with pytest.raises(ValueError, match="my_names"):
        register_fragments(my_names="another text")


def test_the_registries_publish_their_listings():
    assert FRAGMENTS["loss_names"]() == inline_names(losses.LOSSES)
    assert FRAGMENTS["strategy_names"]() == inline_names(STRATEGY_NAMES)
    assert inline_names(["focal", "poly"]) == '``"focal"``, ``"poly"``'
