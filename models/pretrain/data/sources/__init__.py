"""One module per staged dataset; each exposes `samples(root)` yielding data.sample.Sample objects
in SkySense units, and NAME. A missing dataset folder yields nothing (the builder reports it)."""
