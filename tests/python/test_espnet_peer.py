"""The ESPNet speed peer (models/peers/espnet.py, models/peers/espnet-camvid-arch.onnx): the committed graph
has the documented input/output, and the PyTorch architecture has the documented size, MACs and the authors'
state-dict names. Skips without onnx / torch (Debian's python3-torch 1.13 has both)."""
import importlib.util
import unittest
from pathlib import Path

PEERS = Path(__file__).resolve().parents[2] / "models" / "peers"
ONNX_FILE = PEERS / "espnet-camvid-arch.onnx"
HAS_ONNX = importlib.util.find_spec("onnx") is not None
HAS_TORCH = importlib.util.find_spec("torch") is not None


def load_peer_module():
    spec = importlib.util.spec_from_file_location("espnet_peer", PEERS / "espnet.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@unittest.skipUnless(HAS_ONNX, "onnx is not installed")
class EspnetPeerOnnx(unittest.TestCase):
    def test_graph_has_one_image_input_and_full_resolution_logits(self):
        import onnx
        from onnx import TensorProto

        model = onnx.load(str(ONNX_FILE))
        onnx.checker.check_model(model)
        self.assertEqual([o.version for o in model.opset_import if o.domain in ("", "ai.onnx")], [17])

        def io(values):
            return [(v.name, v.type.tensor_type.elem_type, [d.dim_value for d in v.type.tensor_type.shape.dim])
                    for v in values]

        self.assertEqual(io(model.graph.input), [("image", TensorProto.FLOAT, [1, 3, 360, 480])])
        self.assertEqual(io(model.graph.output), [("logits", TensorProto.FLOAT, [1, 11, 360, 480])])


@unittest.skipUnless(HAS_TORCH, "torch is not installed")
class EspnetPeerArchitecture(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import torch

        torch.set_num_threads(1)
        cls.torch = torch
        cls.peer = load_peer_module()
        cls.model = cls.peer.build(seed=0)

    def test_params_and_macs_at_360x480_are_the_documented_ones(self):
        self.assertEqual(self.peer.count_params(self.model), 353_437)
        macs = self.peer.count_macs(self.model)
        self.assertEqual(macs["conv"], 1_283_987_700)
        self.assertEqual(macs["deconv"], 27_442_800)

    def test_state_dict_names_are_the_authors(self):
        # So that the authors' espnet_p_2_q_8_camvid.pth loads with --weights (strict).
        state = self.model.state_dict()
        for key, shape in [("encoder.level1.conv.weight", (16, 3, 3, 3)),
                           ("encoder.level2_0.c1.conv.weight", (12, 19, 3, 3)),
                           ("encoder.level3.7.d16.conv.weight", (25, 25, 3, 3)),
                           ("encoder.classifier.conv.weight", (11, 256, 1, 1)),
                           ("level3_C.conv.weight", (11, 131, 1, 1)),
                           ("combine_l2_l3.1.c1.conv.weight", (2, 22, 1, 1)),
                           ("up_l2.1.act.weight", (11,)),
                           ("classifier.weight", (11, 11, 2, 2))]:
            self.assertIn(key, state)
            self.assertEqual(tuple(state[key].shape), shape, key)
        self.assertNotIn("encoder.level3.8.c1.conv.weight", state)  # q = 8 blocks at 1/8


if __name__ == "__main__":
    unittest.main()
