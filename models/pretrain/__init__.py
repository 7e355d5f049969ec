"""SkySense pre-training recipe (EMA teacher-student, multi-granularity contrastive learning,
cross-modal alignment, geo-context prototypes) on the real imagery in ../shared/data."""
