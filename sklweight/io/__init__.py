"""Safe persistence: :func:`save` writes one file, :func:`load` runs no code from it.

The file is a `safetensors <https://huggingface.co/docs/safetensors>`_ file: the
hyper-parameters and plain fitted attributes are JSON in its metadata header, the tensors
(module, criterion and optimizer states, numeric fitted arrays) are its tensors, and a
format version and a SHA-256 of the contents sit beside them. Loading parses it with
safetensors and ``json`` only -- nothing is unpickled -- and rebuilds objects only from
classes and functions that are trusted: sklweight's, torch's layers, losses and
optimizers, skorch's callbacks and a few scikit-learn preprocessing steps
(:data:`SKLEARN_ESTIMATORS`), plus those the caller lists in ``trusted=`` (a custom
module class, say), as ``skops.io.load`` does. A truncated, corrupted, edited or foreign
file, or one of an unsupported format version, raises :class:`InvalidFileError`; an
untrusted name raises :class:`UntrustedTypeError` before anything is imported.

Pickle and ``joblib.dump`` keep working for files you trust.
"""

from __future__ import annotations

import contextlib
import os

from ..utils._warnings import warn_user
from ._container import read_file, write_file
from ._decode import Decoder
from ._encode import Encoder
from ._errors import InvalidFileError, PersistenceError, UntrustedTypeError
from ._trust import SKLEARN_ESTIMATORS, is_trusted

__all__ = [
    "SKLEARN_ESTIMATORS",
    "InvalidFileError",
    "PersistenceError",
    "UntrustedTypeError",
    "get_untrusted_types",
    "load",
    "save",
]


def save(estimator, path):
    """Save an estimator, fitted or not, to one file that loads without running code.

    Parameters
    ----------
    estimator : object
        A :class:`~sklweight.WeightedMLPClassifier` or
        :class:`~sklweight.WeightedNeuralNetClassifier` (its module given as a class, as
        skorch builds it: ``module=MyModule, module__width=64``), fitted or not, or a
        ``Pipeline`` of them and the scikit-learn steps in :data:`SKLEARN_ESTIMATORS`.
        Hyper-parameters may be plain values, arrays, classes and functions (stored by
        name), ``ClassWeights`` and loss instances.
    path : str or path-like
        The file to write (replaced atomically if it exists).

    Raises
    ------
    TypeError
        Something in the estimator cannot be stored without pickle (a module instance,
        a lambda, an unsupported scikit-learn step); the message says where.

    See Also
    --------
    load : read the file back.

    Examples
    --------
    >>> import tempfile, os
    >>> import numpy as np
    >>> from sklweight import WeightedMLPClassifier, load, save
    >>> X = np.random.RandomState(0).randn(60, 3)
    >>> y = (X[:, 0] > 0).astype(int)
    >>> clf = WeightedMLPClassifier((8,), max_epochs=3, random_state=0).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.safetensors")
    >>> save(clf, path)
    >>> np.array_equal(load(path).predict_proba(X), clf.predict_proba(X))
    True
    """
    import sklearn  # noqa: PLC0415
    import skorch  # noqa: PLC0415
    import torch  # noqa: PLC0415

    from .. import __version__  # noqa: PLC0415

    encoder = Encoder()
    spec = encoder.encode_top(estimator, type(estimator).__name__)
    payload = {
        "estimator": spec,
        "types": sorted(encoder.types),
        "versions": {"sklweight": __version__, "torch": torch.__version__,
                     "skorch": skorch.__version__, "sklearn": sklearn.__version__},
    }
    write_file(path, payload, encoder.tensors)


def load(path, *, trusted=None, device=None):
    """Load an estimator written by :func:`save`; no code from the file runs.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.
    trusted : list of str or None, default=None
        ``module.qualname`` names of classes and functions the file may use beyond the
        defaults (a custom module class: ``trusted=["mypkg.nets.MyModule"]``). Loading
        imports and uses them; list only what you trust. :func:`get_untrusted_types`
        shows what a file needs.
    device : str or None, default=None
        Device for the loaded classifiers (``"cpu"``, ``"cuda"``); ``None`` keeps the
        saved one, except that a CUDA model loads on the CPU where CUDA is unavailable
        (with a warning, as skorch does for pickles).

    Returns
    -------
    estimator : object
        The estimator, with identical predictions.

    Raises
    ------
    InvalidFileError
        The file is truncated, corrupted or edited (checksum), not written by
        :func:`save` (a pickle, another safetensors file), or in an unsupported
        format version.
    UntrustedTypeError
        The file names a class or function that is neither a default nor in
        ``trusted``; nothing has been imported.

    See Also
    --------
    save : write the file.
    """
    trusted = _check_trusted(trusted)
    with _naming(path):
        payload, tensors, size = read_file(path)
        untrusted = _untrusted(payload, trusted)
        if untrusted:
            raise UntrustedTypeError.for_names(untrusted)
        decoder = Decoder(tensors, trusted, device, budget=4 * size)
        estimator = decoder.decode_top(payload.get("estimator"))
    if decoder.sklearn_used:
        _warn_sklearn_version(payload)
    return estimator


def get_untrusted_types(path):
    """The class and function names in a file that :func:`load` does not trust by default.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.

    Returns
    -------
    names : list of str
        Sorted ``module.qualname`` names; pass those you trust as ``load(path,
        trusted=names)``.
    """
    with _naming(path):
        payload, _, _ = read_file(path)
        return _untrusted(payload, ())


def _untrusted(payload, trusted):
    names = payload.get("types") if isinstance(payload, dict) else None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise InvalidFileError("The file's payload is not valid: it lists no types.")
    return sorted(n for n in names if not is_trusted(n, trusted))


def _check_trusted(trusted):
    """``trusted`` as a tuple of names, read once (a generator is consumed here only)."""
    if trusted is None:
        return ()
    names = None
    if not isinstance(trusted, (str, bytes)):
        try:
            names = tuple(trusted)
        except TypeError:
            names = None
    if names is None or not all(isinstance(t, str) for t in names):
        raise TypeError(
            "The 'trusted' parameter of load must be a list of 'module.qualname' strings "
            f"or None. Got {trusted!r} instead. Example: trusted=['mypkg.nets.MyModule']."
        )
    return names


@contextlib.contextmanager
def _naming(path):
    """Turn every failure of reading ``path`` into a PersistenceError that names it."""
    where = repr(os.fspath(path))
    try:
        yield
    except OSError as exc:
        raise InvalidFileError(f"Cannot load {where}: {exc.strerror or exc}.") from exc
    except PersistenceError as exc:
        raise type(exc)(f"Cannot load {where}: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 (a hostile file can provoke any error)
        raise InvalidFileError(
            f"Cannot load {where}: its contents could not be rebuilt here "
            f"({type(exc).__name__}: {_first_line(exc)}). A file sklweight.save wrote "
            "raises this when a trusted class changed since; otherwise the file is not one "
            "sklweight.save wrote."
        ) from exc


def _first_line(exc):
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else ""


def _warn_sklearn_version(payload):
    import sklearn  # noqa: PLC0415
    from sklearn.exceptions import InconsistentVersionWarning  # noqa: PLC0415

    saved = payload.get("versions", {}).get("sklearn")
    if saved and saved != sklearn.__version__:
        warn_user(
            InconsistentVersionWarning(
                estimator_name="the scikit-learn steps of the loaded file",
                current_sklearn_version=sklearn.__version__,
                original_sklearn_version=saved,
            ),
            InconsistentVersionWarning,
        )
