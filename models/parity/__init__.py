"""Parity between the PyTorch reference and the exported ONNX modules, on real imagery.

real_inputs.py reads tiles from ../shared/data with GDAL; make_inputs.py normalises them with a
model folder's manifest, runs each module in PyTorch and writes inputs and outputs for the
onnxruntime-node side (test/parity/run-parity.ts).
"""
