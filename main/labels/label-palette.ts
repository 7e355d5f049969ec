/** Colours for classes that arrive without one (imported labels): distinct on imagery and in the legend. */
const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#fabed4', '#469990', '#dcbeff', '#9a6324', '#fffac8', '#800000', '#aaffc3', '#000075'];

export function classColour(i: number): string {
  return PALETTE[i % PALETTE.length];
}
