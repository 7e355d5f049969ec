"""Bottom/right ("corner") padding to a multiple of a stride, as mmcv's AdaptivePadding does for
kernel == stride. Written with shape arithmetic only (no Python branches on sizes), so a traced
ONNX graph keeps the padding dynamic.

    pad_to_multiple(x_nchw, 4) -> x padded on the bottom/right with zeros
"""
import torch
import torch.nn.functional as F


def pad_amount(size, multiple):
    """Pixels to add so that size becomes a multiple of `multiple` (0 when it already is)."""
    return (multiple - size % multiple) % multiple


def pad_to_multiple(x: torch.Tensor, multiple: int) -> torch.Tensor:
    """Zero-pad an NCHW tensor on the bottom and right to multiples of `multiple`."""
    h, w = x.shape[-2], x.shape[-1]
    return F.pad(x, (0, pad_amount(w, multiple), 0, pad_amount(h, multiple)))
