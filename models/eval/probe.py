"""The probe head, identical for every encoder: a linear classifier on standardised features.

API
    LinearProbe(n_classes, seed=0, epochs=EPOCHS, lr=LR, weight_decay=WD, batch=BATCH)
    .fit(x (N, D) float, y (N,) int)       standardises with the training mean/std, then AdamW on
        class-balanced cross-entropy (weights n / (K_present * n_c)), shuffled with its own seeded
        generator: the same seed gives the same initial weights and the same batch order whatever
        the features are.
    .logits(x) -> (N, K) float32;  .proba(x) -> (N, K)
    .logits_map(f (D, h, w)) -> (K, h, w): the probe as a 1x1 convolution over a feature map
    best_threshold(p, y, w=None) -> (threshold, F1): the threshold on P(class 1) that maximises the
        (weighted) F1 on the training pixels, from a fixed grid, so that a rare positive class is
        not judged at an arbitrary 0.5. Only training data are used.
Why linear: the probe is there to compare representations, so it must not be able to build its own
features (an MLP on random features closes much of the gap); standardising per feature removes
the scale difference between a trained and a random encoder.
"""
import numpy as np
import torch
import torch.nn.functional as F

EPOCHS = 30
LR = 5e-3
WD = 1e-4
BATCH = 1024
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)


class LinearProbe:
    def __init__(self, n_classes, seed=0, epochs=EPOCHS, lr=LR, weight_decay=WD, batch=BATCH):
        self.n_classes, self.seed, self.epochs = n_classes, seed, epochs
        self.lr, self.weight_decay, self.batch = lr, weight_decay, batch
        self.mean = self.std = self.weight = self.bias = None

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
        gen = torch.Generator().manual_seed(self.seed)
        lin = torch.nn.Linear(x.shape[1], self.n_classes)
        with torch.no_grad():
            bound = 1.0 / np.sqrt(x.shape[1])
            lin.weight.copy_(torch.rand(lin.weight.shape, generator=gen) * 2 * bound - bound)
            lin.bias.zero_()
        opt = torch.optim.AdamW(lin.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        steps = self.epochs * int(np.ceil(len(y) / self.batch))
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
        weight = torch.tensor(cw, dtype=torch.float32)
        for _ in range(self.epochs):
            order = torch.randperm(len(y), generator=gen)
            for i in range(0, len(y), self.batch):
                idx = order[i:i + self.batch]
                loss = F.cross_entropy(lin(xs[idx]), yt[idx], weight=weight)
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
        self.weight = lin.weight.detach().numpy().copy()
        self.bias = lin.bias.detach().numpy().copy()
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
