"""The errors :func:`sklweight.load` raises for a file it will not load (one module: the
base class, its two subclasses and the helper that words a refused payload)."""

from __future__ import annotations

__all__ = [
    "InvalidFileError", "PersistenceError", "UntrustedTypeError", "invalid", "short",
]


class PersistenceError(ValueError):
    """A file :func:`sklweight.load` refuses (base class; a ``ValueError``).

    Every failure of :func:`sklweight.load` and
    :func:`sklweight.io.get_untrusted_types` is one of its subclasses, and the message
    names the file.
    """


class InvalidFileError(PersistenceError):
    """Not a complete, unmodified file of a supported format version.

    Raised for a missing file or one that is not a regular file, a truncated or
    corrupted file (its checksum does not match its contents), a file not written by
    :func:`sklweight.save` (a pickle, another safetensors file), a format version this
    sklweight does not read, and a payload :func:`sklweight.save` would not write
    (too deeply nested, shapes that do not match the file's tensors, an attribute that
    would replace a method, a top level that is not an estimator, ...).
    """


class UntrustedTypeError(PersistenceError):
    """The file names a class or function the caller has not trusted."""

    @classmethod
    def for_names(cls, names):
        names = sorted(set(names))
        return cls(
            f"The file names {len(names)} class(es) or function(s) that are not trusted by "
            f"default: {names}. Loading imports and uses them, which runs their code; if "
            f"you trust their source, pass them: sklweight.load(path, trusted={names!r}). "
            "(sklweight.io.get_untrusted_types(path) lists them without loading.)"
        )


def invalid(reason):
    """The error for a payload ``sklweight.save`` would not write."""
    return InvalidFileError(f"its payload is not valid: {reason}.")


def short(value):
    """``repr(value)`` cut to 80 characters, for messages."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
