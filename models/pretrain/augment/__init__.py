"""Per-modality augmentations. All take and return numpy float32 arrays in physical units
(HR 0-255, S2 reflectance x 10000, S1 dB) except where a function says it works on normalised
values, and draw every random number from the numpy Generator they are given (reproducible)."""
