"""The per-epoch bookkeeping without its overhead: skorch's ``History``, ``PrintLog`` and
``PassthroughScoring`` with direct paths for what every epoch of a fit writes and reads.

On small data (3-10 batches an epoch) the history's generic index parsing, the epoch
table's formatting and ``np.average`` over a few floats are a measurable part of a fit;
each class here gives skorch's results and falls back to skorch's code for anything else.
"""

from __future__ import annotations

import math

from skorch.callbacks import PassthroughScoring, PrintLog
from skorch.history import History

__all__ = ["PLAIN_HISTORIES", "BatchMeanScoring", "FastHistory", "QuietPrintLog"]


class FastHistory(History):
    """skorch's ``History`` with direct paths for what a fit writes and reads every epoch.

    ``record``, ``record_batch``, ``new_batch`` and reads of ``history[i]`` and
    ``history[i, key]`` skip the generic index parsing (several microseconds each, a few
    percent of a small fit's time); every other access is skorch's. Missing keys raise
    skorch's own ``KeyError``.
    """

    def record(self, attr, value):
        if not self:
            return super().record(attr, value)
        list.__getitem__(self, -1)[attr] = value

    def record_batch(self, attr, value):
        list.__getitem__(self, -1)["batches"][-1][attr] = value

    def new_batch(self):
        list.__getitem__(self, -1)["batches"].append({})

    def __getitem__(self, i):
        if type(i) is int:
            return list.__getitem__(self, i)
        if type(i) is tuple and len(i) == 2 and type(i[0]) is int and type(i[1]) is str:
            try:
                row = list.__getitem__(self, i[0])
            except IndexError:
                row = None
            if row is not None and i[1] in row:
                return row[i[1]]
        return super().__getitem__(i)


# the histories whose rows the epoch loop and BatchMeanScoring may write directly
PLAIN_HISTORIES = (History, FastHistory)


class QuietPrintLog(PrintLog):
    """skorch's ``PrintLog`` that formats the epoch table only when it shows it.

    skorch's formats it every epoch (``tabulate``, the largest per-epoch cost of a small
    fit) and then prints nothing at ``verbose=0``; with its default ``sink=print`` this
    one skips the formatting then, and behaves as skorch's otherwise (a custom sink still
    receives every line, the header comes with the first printed row).
    """

    def on_epoch_end(self, net, **kwargs):
        if self.sink is print and not net.verbose:
            return
        super().on_epoch_end(net, **kwargs)


class BatchMeanScoring(PassthroughScoring):
    """skorch's ``PassthroughScoring`` (the epoch's batch-size-weighted mean of a batch
    record, e.g. ``train_loss``) reading the batch rows directly.

    skorch's indexes the history twice and calls ``np.average`` on a few floats each
    epoch; on small data that is a few percent of a fit. The mean is the same (summed with
    ``math.fsum``); any other kind of history goes through skorch's.
    """

    def on_epoch_end(self, net, **kwargs):
        history = net.history
        if type(history) not in PLAIN_HISTORIES or not history:
            return super().on_epoch_end(net, **kwargs)
        size_key = "train_batch_size" if self.on_train else "valid_batch_size"
        pairs = [
            (row[size_key], row[self.name])
            for row in list.__getitem__(history, -1)["batches"]
            if self.name in row
        ]
        if not pairs:  # no such batches this epoch (no validation data): nothing to record
            return
        score = math.fsum(n * value for n, value in pairs) / math.fsum(n for n, _ in pairs)
        is_best = self._is_best_score(score)
        if is_best:
            self.best_score_ = score
        history.record(self.name, score)
        if is_best is not None:
            history.record(self.name + "_best", bool(is_best))
