"""The probe head, identical for every encoder: a linear classifier on standardised features.

API
    LinearProbe(n_classes, l2=L2, max_iter=MAX_ITER)
    .fit(x (N, D) float, y (N,) int)       standardises with the training mean/std, then minimises
        class-balanced cross-entropy (weights n / (K_present * n_c)) + l2 * |W|^2 with full-batch
        L-BFGS from zero weights, at most max_iter iterations. The problem is strictly convex and
        the solver deterministic, so the result depends on the features only: no seed, no batch
        order, no learning rate to favour one encoder.
    .logits(x) -> (N, K) float32;  .proba(x) -> (N, K)
    .logits_map(f (D, h, w)) -> (K, h, w): the probe as a 1x1 convolution over a feature map
    .iterations, .converged               what L-BFGS did (reported in the result JSON)
    best_threshold(p, y, w=None) -> (threshold, F1): the threshold on P(class 1) that maximises the
        (weighted) F1 on the training pixels, from a fixed grid, so that a rare positive class is
        not judged at an arbitrary 0.5. Only training data are used.
Why linear: the probe is there to compare representations, so it must not be able to build its own
features (an MLP on random features closes much of the gap); standardising per feature removes
the scale difference between a trained and a random encoder. Why L-BFGS and not a fixed number
of SGD epochs: with a few thousand samples (the land-cover set) a fixed epoch count is a few dozen
steps and leaves the probe unconverged, which would measure the optimiser, not the features.
"""
import numpy as np
import torch
import torch.nn.functional as F

L2 = 1e-3
MAX_ITER = 100
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)


class LinearProbe:
    def __init__(self, n_classes, l2=L2, max_iter=MAX_ITER):
        self.n_classes, self.l2, self.max_iter = n_classes, l2, max_iter
        self.mean = self.std = self.weight = self.bias = None
        self.iterations, self.converged = 0, False

    def fit(self, x, y):
        x = np.asarray(x, dtype=np.float32)
        y = np.asarray(y, dtype=np.int64)
        if x.ndim != 2 or x.shape[0] != y.shape[0] or x.shape[0] == 0:
            raise ValueError(f'probe: features {x.shape} and labels {y.shape} do not pair up')
        if y.min() < 0 or y.max() >= self.n_classes:
            raise ValueError(f'probe: labels outside 0..{self.n_classes - 1}')
        self.mean = x.mean(0)
        self.std = x.std(0) + 1e-6
        xs = torch.from_numpy((x - self.mean) / self.std)
        yt = torch.from_numpy(y)
        counts = np.bincount(y, minlength=self.n_classes).astype(np.float64)
        present = counts > 0
        cw = np.zeros(self.n_classes)
        cw[present] = len(y) / (present.sum() * counts[present])
        weight = torch.tensor(cw, dtype=torch.float32)
        w = torch.zeros(self.n_classes, x.shape[1], dtype=torch.float32, requires_grad=True)
        b = torch.zeros(self.n_classes, dtype=torch.float32, requires_grad=True)
        opt = torch.optim.LBFGS([w, b], lr=1, max_iter=self.max_iter, tolerance_grad=1e-5, tolerance_change=1e-7,
                                history_size=20, line_search_fn='strong_wolfe')
        evals = [0]

        def closure():
            opt.zero_grad()
            loss = F.cross_entropy(xs @ w.T + b, yt, weight=weight) + self.l2 * (w * w).sum()
            loss.backward()
            evals[0] += 1
            return loss

        opt.step(closure)
        state = opt.state[opt._params[0]]
        self.iterations = int(state.get('n_iter', 0))
        self.converged = self.iterations < self.max_iter
        self.weight = w.detach().float().numpy()
        self.bias = b.detach().float().numpy()
        return self

    def logits(self, x):
        xs = (np.asarray(x, dtype=np.float32) - self.mean) / self.std
        return xs @ self.weight.T + self.bias

    def proba(self, x):
        z = self.logits(x)
        z = z - z.max(1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(1, keepdims=True)

    def logits_map(self, f):
        d, h, w = f.shape
        return self.logits(f.reshape(d, -1).T).T.reshape(self.n_classes, h, w)


def best_threshold(p, y, w=None):
    p = np.asarray(p, dtype=np.float64)
    pos = np.asarray(y) == 1
    w = np.ones_like(p) if w is None else np.asarray(w, dtype=np.float64)
    best = (0.5, -1.0)
    for t in THRESHOLDS:
        hit = p >= t
        tp = w[hit & pos].sum()
        fp = w[hit & ~pos].sum()
        fn = w[~hit & pos].sum()
        score = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn > 0 else 0.0
        if score > best[1]:
            best = (float(t), float(score))
    return best
