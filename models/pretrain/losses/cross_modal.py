"""Cross-modal alignment between co-located modalities (HR, S2, S1 of the same ground).

Both modalities are projected into one space by their heads; the student's feature of one
modality must find the teacher's feature of the other modality of the same sample (image level,
across the batch) and of the same location (pixel level, when both lie on one grid: S2 and S1
always do, HR's stride-32 map does for co-located HR/S2 tiles).
"""
from .info_nce import info_nce
from .mgcl import pixel_contrast


def cross_modal_alignment(student, teacher, pairs, temperature=0.2, max_pixels=512, generator=None):
    """student/teacher: {modality: (B, D, h, w)}; pairs: [(a, b), ...] present in both.
    Returns the mean over pairs and both directions of image + pixel InfoNCE."""
    terms = []
    for a, b in pairs:
        for x, y in ((a, b), (b, a)):
            terms.append(info_nce(student[x].mean(dim=(2, 3)), teacher[y].mean(dim=(2, 3)), temperature))
            if student[x].shape[2:] == teacher[y].shape[2:]:
                terms.append(pixel_contrast(student[x], teacher[y], temperature, max_pixels, generator))
    if not terms:
        return None
    return sum(terms) / len(terms)
