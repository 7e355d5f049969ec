import unittest

from models.pretrain.collapse import CollapseGuard


class CollapseGuardTest(unittest.TestCase):
    def test_healthy_groups_never_fire(self):
        g = CollapseGuard(min_std=0.005, window=5)
        for step in range(100):
            self.assertIsNone(g.observe(step, 'hr' if step % 2 else 's2', 0.03))
        self.assertEqual(g.scale, 1.0)
        self.assertEqual(g.events, [])

    def test_collapse_of_one_group_halves_the_lr_then_judges_a_fresh_window(self):
        g = CollapseGuard(min_std=0.005, window=4)
        # The run's HR std trace (curves.csv of the collapsed run, steps 362-378): mostly ~0, some spikes.
        trace = [0.0, 0.0165, 0.0361, 0.0, 0.0, 0.0034, 0.0017, 0.0, 0.0]
        fired = [g.observe(i, 'hr', v) for i, v in enumerate(trace)]
        events = [e for e in fired if e]
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0]['group'], 'hr')
        self.assertEqual(events[0]['step'], 5)
        self.assertEqual(g.scale, 0.5)
        # s2 is judged on its own steps only.
        for i in range(10):
            g.observe(100 + i, 's2', 0.06)
        self.assertEqual(g.scale, 0.5)

    def test_scale_has_a_floor_and_stop_stops(self):
        g = CollapseGuard(window=1, min_scale=0.25)
        for i in range(5):
            g.observe(i, 'hr', 0.0)
        self.assertEqual(g.scale, 0.25)
        s = CollapseGuard(window=2, action='stop')
        s.observe(0, 'hr', 0.0)
        self.assertFalse(s.stopped)
        s.observe(1, 'hr', 0.001)
        self.assertTrue(s.stopped)
        off = CollapseGuard(window=1, action='off')
        self.assertIsNone(off.observe(0, 'hr', 0.0))
        with self.assertRaises(ValueError):
            CollapseGuard(action='panic')


if __name__ == '__main__':
    unittest.main()
