"""EMA teacher: teacher <- m * teacher + (1 - m) * student after every optimiser step, with m
following a cosine ramp from base to 1 over training progress (0..1, time-based here because
training stops on a time budget, not a step count). Parameters the optimiser does not train
(requires_grad False in the student, e.g. the geo prototypes, which have their own EMA rule)
are copied as they are."""
import copy
import math

import torch


def momentum_at(progress, base=0.99, final=1.0):
    p = min(max(float(progress), 0.0), 1.0)
    return final - (final - base) * (math.cos(math.pi * p) + 1) / 2


class EMATeacher:
    def __init__(self, student):
        self.model = copy.deepcopy(student)
        for p in self.model.parameters():
            p.requires_grad_(False)
        self.model.eval()

    @torch.no_grad()
    def update(self, student, momentum):
        for t, s in zip(self.model.parameters(), student.parameters()):
            if s.requires_grad:
                t.mul_(momentum).add_(s.detach(), alpha=1.0 - momentum)
            else:
                t.copy_(s.detach())
        for t, s in zip(self.model.buffers(), student.buffers()):
            if t.dtype.is_floating_point:
                t.mul_(momentum).add_(s.detach(), alpha=1.0 - momentum)
            else:
                t.copy_(s)
