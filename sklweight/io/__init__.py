"""Safe persistence: :func:`save` writes one file, :func:`load` runs no code from it.

The file is a `safetensors <https://huggingface.co/docs/safetensors>`_ file: the
hyper-parameters and plain fitted attributes are JSON in its metadata header, the tensors
(module, criterion and optimizer states, numeric fitted arrays) are its tensors, and a
format version and a SHA-256 of the contents sit beside them. Loading parses it with
``json`` only -- nothing is unpickled -- and rebuilds objects only from classes and
functions that are trusted: sklweight's, torch's layers, losses and optimizers, skorch's
callbacks, the scikit-learn classes of :data:`SKLEARN_ESTIMATORS`, plus those the
caller lists in ``trusted=`` (a custom module class, say), as ``skops.io.load`` does.

A file is treated as hostile: ``load`` returns only estimators, sets only fitted
attributes, checks every declared shape against the bytes the file holds before
allocating, builds modules on the meta device first, and raises a
:class:`PersistenceError` naming the file for every failure. The checksum detects
corruption, not tampering. The user guide's "Safe persistence" page states the rules,
the allocation bound and why the format is not skops'.

Pickle and ``joblib.dump`` keep working for files you trust.
"""

from __future__ import annotations

import contextlib
import os

from .._version import __version__
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
        An estimator, fitted or not: one of sklweight's (a
        :class:`~sklweight.WeightedNeuralNetClassifier` with its module given as a class,
        as skorch builds it: ``module=MyModule, module__width=64``), one of the
        scikit-learn classes in :data:`SKLEARN_ESTIMATORS`, or a ``Pipeline`` /
        ``ColumnTransformer`` of them (the pipeline ``sklweight compare`` prints).
        Hyper-parameters may be plain values, arrays, classes and functions (stored by
        name), ``ClassWeights``, loss instances and metadata-routing requests.
    path : str or path-like
        The file to write (replaced atomically if it exists).

    Raises
    ------
    TypeError
        Something in the estimator cannot be stored without pickle (a module instance,
        a lambda, an unsupported scikit-learn class), or ``estimator`` is not an
        estimator; the message says where.
    ValueError
        Its JSON description exceeds the 4 MiB ``load`` reads (a history of many
        thousands of epochs).

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
    trusted : iterable of str or None, default=None
        ``module.qualname`` names of classes and functions the file may use beyond the
        defaults (a custom module class: ``trusted=["mypkg.nets.MyModule"]``); read once,
        so a generator works. Loading imports and uses them; list only what you trust.
        :func:`get_untrusted_types` shows what a file needs.
    device : str or None, default=None
        Device for the loaded classifiers (``"cpu"``, ``"cuda"``); ``None`` keeps the
        saved one, except that a CUDA model loads on the CPU where CUDA is unavailable
        (with a warning, as skorch does for pickles).

    Returns
    -------
    estimator : estimator
        The estimator, with bit-identical predictions. Nothing else is returned: a file
        whose top level is not an estimator is refused.

    Raises
    ------
    UntrustedTypeError
        The file names a class or function that is neither a default nor in
        ``trusted``; nothing has been imported.
    InvalidFileError
        Any other failure: the file is missing, not a regular file, truncated or
        corrupted (checksum), not written by :func:`save` (a pickle, another
        safetensors file), in an unsupported format version, or its payload is not one
        :func:`save` writes (too deeply nested, shapes that do not match the tensors,
        an attribute that would replace a method, ...). Both errors are
        subclasses of :class:`PersistenceError` and name the file.
    TypeError
        ``trusted`` is not an iterable of strings.

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

    Raises
    ------
    InvalidFileError
        The file cannot be read (see :func:`load`); the message names it.
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
    except Warning:
        raise  # a warning the caller's filters turned into an error stays one
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

    versions = payload.get("versions")
    saved = versions.get("sklearn") if isinstance(versions, dict) else None
    if isinstance(saved, str) and saved != sklearn.__version__:
        warn_user(
            InconsistentVersionWarning(
                estimator_name="the scikit-learn steps of the loaded file",
                current_sklearn_version=sklearn.__version__,
                original_sklearn_version=saved,
            ),
            InconsistentVersionWarning,
        )
