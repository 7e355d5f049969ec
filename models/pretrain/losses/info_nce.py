"""InfoNCE between matched rows of two embedding sets: row i of `query` should pick row i of
`key` among all rows of `key`. The key side is the EMA teacher (no gradient)."""
import torch
import torch.nn.functional as F


def info_nce(query, key, temperature=0.2):
    if query.shape != key.shape or query.dim() != 2:
        raise ValueError(f'info_nce needs two (N, D) tensors of one shape, got {tuple(query.shape)} and {tuple(key.shape)}')
    if query.shape[0] < 2:
        return query.sum() * 0.0  # no negative to contrast against
    q = F.normalize(query, dim=1)
    k = F.normalize(key.detach(), dim=1)
    logits = q @ k.t() / temperature
    return F.cross_entropy(logits, torch.arange(q.shape[0], device=q.device))


def sample_rows(n, limit, generator=None, device=None):
    """At most `limit` distinct row indices out of n (all of them when n <= limit)."""
    if n <= limit:
        return torch.arange(n, device=device)
    return torch.randperm(n, generator=generator)[:limit].to(device)
