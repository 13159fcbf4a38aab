"""How training starts: the glibc malloc settings (models/malloc_env.py) and checkpoint loading on old and
new torch (models/checkpoint_io.py). No torch needed: checkpoint_io is checked against stand-in torch
modules with the two torch.load signatures (1.13: weights_only defaults to False; >= 2.6: True)."""
import importlib
import os
import subprocess
import sys
import textwrap
import types
import unittest
from pathlib import Path

MODELS = Path(__file__).resolve().parents[2] / "models"
sys.path.insert(0, str(MODELS))
import malloc_env  # noqa: E402


class MallocEnv(unittest.TestCase):
    def test_needs_reexec_until_every_variable_is_set(self):
        self.assertTrue(malloc_env.needs_reexec({}))
        partial = dict(malloc_env.MALLOC_ENV)
        partial.pop("MALLOC_TOP_PAD_")
        self.assertTrue(malloc_env.needs_reexec(partial))
        self.assertFalse(malloc_env.needs_reexec(dict(malloc_env.MALLOC_ENV)))
        self.assertFalse(malloc_env.needs_reexec({"DASHSEG_KEEP_MALLOC": "1"}))

    def test_a_script_reexecutes_itself_once_with_the_settings(self):
        script = textwrap.dedent(f"""
            import os, sys
            sys.path.insert(0, {str(MODELS)!r})
            print("start", flush=True)
            from malloc_env import MALLOC_ENV, reexec_with_malloc_env
            reexec_with_malloc_env()
            print("args", sys.argv[1:])
            print("env", all(os.environ.get(k) == v for k, v in MALLOC_ENV.items()))
        """)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "DASHSEG_KEEP_MALLOC"}
        out = subprocess.run([sys.executable, "-u", "-c", script, "--epochs", "3"], env=env, capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        lines = out.stdout.splitlines()
        self.assertEqual(lines.count("start"), 2, out.stdout)  # the original run and the re-executed one
        self.assertIn("args ['--epochs', '3']", lines)
        self.assertIn("env True", lines)


def fake_torch(with_weights_only: bool) -> types.ModuleType:
    torch = types.ModuleType("torch")
    torch.calls = []
    if with_weights_only:
        def load(f, map_location=None, pickle_module=None, *, weights_only=None, **kwargs):
            torch.calls.append({"f": f, "map_location": map_location, "weights_only": weights_only})
            if weights_only is not False:  # torch >= 2.6 refuses our last.pt (numpy RNG state inside)
                raise RuntimeError("Weights only load failed")
            return {"ok": True}
    else:
        def load(f, map_location=None, pickle_module=None, **kwargs):
            torch.calls.append({"f": f, "map_location": map_location, **kwargs})
            return {"ok": True}
    torch.load = load
    return torch


class CheckpointLoading(unittest.TestCase):
    def load_with(self, torch_module):
        saved = sys.modules.get("torch")
        sys.modules["torch"] = torch_module
        try:
            sys.modules.pop("checkpoint_io", None)
            checkpoint_io = importlib.import_module("checkpoint_io")
            return checkpoint_io.load_checkpoint("runs/x/last.pt")
        finally:
            sys.modules.pop("checkpoint_io", None)
            if saved is None:
                sys.modules.pop("torch", None)
            else:
                sys.modules["torch"] = saved

    def test_current_torch_gets_weights_only_false(self):
        torch = fake_torch(with_weights_only=True)
        self.assertEqual(self.load_with(torch), {"ok": True})
        self.assertEqual(torch.calls, [{"f": "runs/x/last.pt", "map_location": "cpu", "weights_only": False}])

    def test_torch_without_the_argument_is_called_without_it(self):
        torch = fake_torch(with_weights_only=False)
        self.assertEqual(self.load_with(torch), {"ok": True})
        self.assertEqual(torch.calls, [{"f": "runs/x/last.pt", "map_location": "cpu"}])

    def test_every_script_loads_checkpoints_through_it(self):
        for script in ("train.py", "export.py", "sky_check.py"):
            text = (MODELS / script).read_text()
            self.assertNotIn("torch.load(", text, f"models/{script} calls torch.load directly")
            self.assertIn("load_checkpoint(", text, script)


if __name__ == "__main__":
    unittest.main()
