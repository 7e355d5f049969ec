"""Bad input is refused before any training, with a message that names the file and the problem."""
import contextlib
import io
import tempfile
import unittest
from pathlib import Path

from models.heads import train_all

REPO = Path(__file__).resolve().parents[3]
MODEL = str(REPO / 'models' / 'skysense-tiny')


def run(*args):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = train_all.main(list(args))
    return code, err.getvalue()


class CliErrorsTest(unittest.TestCase):
    def test_unknown_head(self):
        code, err = run('--heads', 's1-water,nope')
        self.assertEqual(code, 2)
        self.assertIn('unknown nope', err)

    def test_missing_model_folder(self):
        with tempfile.TemporaryDirectory() as tmp:
            code, err = run('--model', tmp, '--heads', 's1-water')
        self.assertEqual(code, 2)
        self.assertIn(f'{tmp}/manifest.json: missing', err)

    def test_checkpoint_not_the_recorded_one(self):
        with tempfile.NamedTemporaryFile(suffix='.pth') as f:
            f.write(b'not the checkpoint')
            f.flush()
            code, err = run('--model', MODEL, '--checkpoint', f.name, '--heads', 's1-water')
        self.assertEqual(code, 2)
        self.assertIn(f'{f.name}: sha256', err)
        self.assertIn('is not the checkpoint', err)

    def test_missing_checkpoint_and_data(self):
        code, err = run('--model', MODEL, '--checkpoint', '/nonexistent/x.pth')
        self.assertEqual(code, 2)
        self.assertIn('/nonexistent/x.pth: no such checkpoint file', err)
        code, err = run('--data', '/nonexistent/data')
        self.assertEqual(code, 2)
        self.assertIn('/nonexistent/data: no such folder', err)


if __name__ == '__main__':
    unittest.main()
