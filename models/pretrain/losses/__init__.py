"""Pre-training objectives: Sinkhorn-Knopp, multi-granularity contrast (pixel, object, image),
cross-modal alignment, geo-context prototypes."""
