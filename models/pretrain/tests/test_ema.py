"""EMA teacher: the update formula, copied non-trained parameters, the momentum schedule."""
import unittest

import torch
import torch.nn as nn

import testdata  # noqa: F401  (sys.path)
from models.pretrain.ema import EMATeacher, momentum_at


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 3)
        self.bank = nn.Parameter(torch.randn(5, 3), requires_grad=False)
        self.register_buffer('count', torch.zeros((), dtype=torch.long))


class EmaTest(unittest.TestCase):
    def test_update_formula(self):
        torch.manual_seed(0)
        student = Net()
        ema = EMATeacher(student)
        t0 = {k: v.clone() for k, v in ema.model.state_dict().items()}
        with torch.no_grad():
            for p in student.lin.parameters():
                p.add_(torch.randn_like(p))
            student.bank.add_(1.0)
            student.count.fill_(7)
        ema.update(student, 0.9)
        torch.testing.assert_close(ema.model.lin.weight, 0.9 * t0['lin.weight'] + 0.1 * student.lin.weight)
        torch.testing.assert_close(ema.model.lin.bias, 0.9 * t0['lin.bias'] + 0.1 * student.lin.bias)
        self.assertTrue(torch.equal(ema.model.bank, student.bank))  # not trained: copied
        self.assertEqual(int(ema.model.count), 7)
        self.assertFalse(any(p.requires_grad for p in ema.model.parameters()))

    def test_momentum_one_freezes_teacher(self):
        student = Net()
        ema = EMATeacher(student)
        before = ema.model.lin.weight.clone()
        with torch.no_grad():
            student.lin.weight.add_(1.0)
        ema.update(student, 1.0)
        self.assertTrue(torch.equal(ema.model.lin.weight, before))

    def test_schedule(self):
        self.assertAlmostEqual(momentum_at(0.0, 0.99), 0.99)
        self.assertAlmostEqual(momentum_at(1.0, 0.99), 1.0)
        ms = [momentum_at(p / 10, 0.99) for p in range(11)]
        self.assertTrue(all(a <= b for a, b in zip(ms, ms[1:])))
        self.assertAlmostEqual(momentum_at(2.0, 0.99), 1.0)


if __name__ == '__main__':
    unittest.main()
