"""Metrics on arrays small enough to count by hand."""
import unittest

import numpy as np

from models.eval.metrics import accuracy, binary_counts, confusion, f1, macro_f1, miou


class MetricsTest(unittest.TestCase):
    def test_f1_counts_by_hand(self):
        pred = [1, 1, 0, 0, 1, 0, 1, 1]
        true = [1, 0, 0, 1, 1, 0, 0, 1]
        # tp: positions 0, 4, 7 = 3; fp: 1, 6 = 2; fn: 3 = 1; tn: 2, 5 = 2 -> F1 = 6 / (6 + 2 + 1)
        self.assertEqual(binary_counts(pred, true), {'tp': 3, 'fp': 2, 'fn': 1, 'tn': 2})
        self.assertAlmostEqual(f1(pred, true), 6 / 9)

    def test_ignore_value_is_left_out(self):
        pred = np.array([[1, 1], [0, 1]])
        true = np.array([[1, -1], [-1, 0]])
        self.assertEqual(binary_counts(pred, true, ignore=-1), {'tp': 1, 'fp': 1, 'fn': 0, 'tn': 0})
        self.assertAlmostEqual(f1(pred, true, ignore=-1), 2 / 3)

    def test_f1_without_any_positive_is_zero(self):
        self.assertEqual(f1([0, 0], [0, 0]), 0.0)

    def test_miou_by_hand(self):
        pred = [0, 0, 1, 1, 2, 2]
        true = [0, 1, 1, 1, 2, 0]
        # class 0: inter 1, union 3 (pred {0,1}, true {0,5}) -> 1/3; class 1: inter 2, union 3 -> 2/3;
        # class 2: inter 1, union 2 -> 1/2
        mean, ious = miou(pred, true, 3)
        self.assertAlmostEqual(ious[0], 1 / 3)
        self.assertAlmostEqual(ious[1], 2 / 3)
        self.assertAlmostEqual(ious[2], 1 / 2)
        self.assertAlmostEqual(mean, (1 / 3 + 2 / 3 + 1 / 2) / 3)

    def test_miou_skips_absent_classes_and_ignored_pixels(self):
        mean, ious = miou([1, 1, 2, 0], [1, 1, 1, 0], 4, ignore=0)
        self.assertEqual(set(ious), {1, 2})  # class 3 neither present nor predicted
        self.assertAlmostEqual(ious[1], 2 / 3)
        self.assertAlmostEqual(ious[2], 0.0)
        self.assertAlmostEqual(mean, 1 / 3)

    def test_confusion_accuracy_macro_f1(self):
        cm = confusion([0, 1, 1, 2], [0, 1, 2, 2], 3)
        np.testing.assert_array_equal(cm, [[1, 0, 0], [0, 1, 0], [0, 1, 1]])
        self.assertAlmostEqual(accuracy([0, 1, 1, 2], [0, 1, 2, 2]), 0.75)
        # F1: class 0 = 1, class 1 = 2/3, class 2 = 2/3
        self.assertAlmostEqual(macro_f1([0, 1, 1, 2], [0, 1, 2, 2], 3), (1 + 2 / 3 + 2 / 3) / 3)

    def test_bad_input_is_refused(self):
        with self.assertRaises(ValueError):
            f1([1, 0], [1, 0, 1])
        with self.assertRaises(ValueError):
            confusion([3], [0], 3)


if __name__ == '__main__':
    unittest.main()
