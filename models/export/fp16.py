"""Half-size copy of an exported ONNX file: float32 weights stored as float16.

API
    write_fp16_copy(src_path, dst_path, external_threshold) -> list of external data files written

Every float32 initializer becomes a float16 initializer followed by a Cast back to float32, so the
graph computes and talks in float32 exactly as the original (inputs/outputs unchanged) and runs on
every ONNX Runtime provider, including CPU kernels that have no float16 version; only the file
(download, disk) halves and the weights lose precision to float16 (about 3 significant digits).
Tiny tensors (< 16 values) are left in float32: they save nothing and some are scales.
"""
import onnx
from onnx import TensorProto, helper, numpy_helper

from models.export.onnx_module import save_onnx


def write_fp16_copy(src_path, dst_path, external_threshold):
    model = onnx.load(src_path)
    graph = model.graph
    casts, keep = [], []
    for init in graph.initializer:
        if init.data_type != TensorProto.FLOAT or numpy_helper.to_array(init).size < 16:
            keep.append(init)
            continue
        arr = numpy_helper.to_array(init).astype('float16')
        half = numpy_helper.from_array(arr, init.name + '__fp16')
        keep.append(half)
        casts.append(helper.make_node('Cast', [half.name], [init.name], to=TensorProto.FLOAT,
                                      name=init.name + '__cast'))
    del graph.initializer[:]
    graph.initializer.extend(keep)
    nodes = casts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    return save_onnx(model, dst_path, external_threshold)
