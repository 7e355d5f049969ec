// The colour ramp of single-band measurements (probabilities, similarity): viridis, which
// reads in order in colour and in grey and for the common colour-vision deficiencies.
export const RAMP = ['#440154ff', '#3b528bff', '#21918cff', '#5ec962ff', '#fde725ff'];

/** The CSS gradient of the ramp, left = low, for its scale bar. */
export function rampGradient(): string {
  return `linear-gradient(to right, ${RAMP.map((c) => c.slice(0, 7)).join(', ')})`;
}
