"""A guard against representation collapse of one modality during pre-training.

Why: an 88-min CPU run with the HR group weighted up collapsed the HR branch at the peak
learning rate (teacher HR feature std from 0.02-0.04 to below 0.005 from step ~330, then
1e-5) while the other modalities stayed healthy; nothing in the loss total showed it. The
guard watches each batch group's teacher std (the `teacher_std` the objective reports) and,
when the median of a group's last `window` steps falls below `min_std`, halves the learning
rate for the rest of the run (down to `min_scale`) or stops the run, and records the event.
"""
from collections import deque
from statistics import median


class CollapseGuard:
    def __init__(self, min_std=0.005, window=10, action='lower-lr', min_scale=1 / 16):
        if action not in ('lower-lr', 'stop', 'off'):
            raise ValueError(f'collapse action {action!r}: expected lower-lr, stop or off')
        self.min_std = min_std
        self.window = window
        self.action = action
        self.min_scale = min_scale
        self.scale = 1.0
        self.stopped = False
        self.events = []
        self._recent = {}

    def observe(self, step, group, teacher_std):
        """Records one step; returns the event dict when the guard fires, else None."""
        if self.action == 'off':
            return None
        recent = self._recent.setdefault(group, deque(maxlen=self.window))
        recent.append(float(teacher_std))
        if len(recent) < self.window:
            return None
        level = median(recent)
        if level >= self.min_std:
            return None
        event = {'step': step, 'group': group, 'median_teacher_std': level, 'window': self.window}
        if self.action == 'stop':
            self.stopped = True
            event['action'] = 'stop'
        else:
            self.scale = max(self.min_scale, self.scale / 2)
            event['action'] = f'lr x {self.scale:g}'
        self.events.append(event)
        # A fresh window: the lowered LR needs steps of its own before it is judged again.
        recent.clear()
        return event
