"""ONNX export of the reference SkySense modules and the model-folder manifest.

    onnx_module.module_spec(name, cfg, sizes)      -> ModuleSpec (wrapper, example inputs, names, dynamic axes)
    onnx_module.export_module(spec, out_dir, ...)  -> dict (file, externalData, bytes, seconds)
    fp16.write_fp16_copy(src, dst)                 -> weights stored as float16
    manifest.build_manifest(...) / manifest.write_manifest(...)
    schema_check.validate(instance, schema)        -> list of error strings (hand-written, no jsonschema)
    ort_node.run(onnx_path, inputs)                -> outputs from onnxruntime-node (real ORT, via node)
"""
