"""Shared test helpers: repo root on sys.path, 2 torch threads, and a convert.py runner."""
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

import torch  # noqa: E402

torch.set_num_threads(2)
PYTHON = '/usr/bin/python3' if os.path.exists('/usr/bin/python3') else sys.executable
CONVERT = os.path.join(REPO, 'models', 'convert.py')


def run_convert(*args, timeout=600):
    return subprocess.run([PYTHON, CONVERT, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout)


class _Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def convert_in_process(*args):
    """convert.main() in this process (saves a torch import per call); same result shape as subprocess."""
    import contextlib
    import importlib.util
    import io
    spec = importlib.util.spec_from_file_location('skysense_convert', CONVERT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = mod.main(list(args))
    return _Result(code, out.getvalue(), err.getvalue())
