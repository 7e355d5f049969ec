"""Sinkhorn-Knopp equipartition of N items over K prototypes (SwAV-style), used twice: to cluster
pixel features into object prototypes, and to assign fused features to a region's geo prototypes.

Without the equal-mass constraint the argmax assignment collapses onto a few prototypes early
in training; Sinkhorn finds the soft assignment closest to the similarity softmax whose
prototype totals are equal.
"""
import torch


@torch.no_grad()
def sinkhorn(scores, epsilon=0.05, iterations=3):
    """scores: (N, K) similarities. Returns Q (N, K), Q >= 0, each row summing to 1 and each column
    summing to N / K (exactly for rows, to convergence for columns)."""
    if scores.dim() != 2:
        raise ValueError(f'sinkhorn expects (N, K) scores, got {tuple(scores.shape)}')
    s = scores.double()
    q = torch.exp((s - s.max()) / epsilon).t()  # (K, N)
    q /= q.sum()
    k, n = q.shape
    for _ in range(iterations):
        q /= q.sum(dim=1, keepdim=True).clamp_min(1e-300)
        q /= k
        q /= q.sum(dim=0, keepdim=True).clamp_min(1e-300)
        q /= n
    return (q * n).t().to(scores.dtype)
