// Class edits of a label set: add, rename, recolour, delete. Pure functions returning a new
// set (the old one stays valid for undo); a rename carries the class's features with it and
// a delete takes them away, so every feature always names one of the classes, as the
// contract's LabelSet demands.
import type { LabelClass, LabelSet } from '../../../main/api.ts';

/** Distinct colours handed to new classes in turn, skipping those already used. */
const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#469990', '#9a6324'];

export function nextColour(set: LabelSet): string {
  const used = new Set(set.classes.map((c) => c.color.toLowerCase()));
  return PALETTE.find((c) => !used.has(c)) ?? PALETTE[set.classes.length % PALETTE.length];
}

/** Why a name cannot be a (new) class name, or null when it can. */
export function classNameProblem(set: LabelSet, name: string, except?: string): string | null {
  const n = name.trim();
  if (!n) return 'a class needs a name';
  if (n.length > 100) return 'a class name has at most 100 characters';
  if (set.classes.some((c) => c.name === n && c.name !== except)) return `there is already a class "${n}"`;
  return null;
}

export function addClass(set: LabelSet, name: string, color = nextColour(set)): LabelSet {
  if (classNameProblem(set, name)) return set;
  const added: LabelClass = { name: name.trim(), color };
  return { ...set, classes: [...set.classes, added] };
}

export function renameClass(set: LabelSet, from: string, to: string): LabelSet {
  const name = to.trim();
  if (name === from || classNameProblem(set, name, from)) return set;
  return {
    ...set,
    classes: set.classes.map((c) => (c.name === from ? { ...c, name } : c)),
    features: set.features.map((f) => (f.class === from ? { ...f, class: name } : f)),
  };
}

export function recolourClass(set: LabelSet, name: string, color: string): LabelSet {
  if (!/^#[0-9a-fA-F]{6}$/.test(color)) return set;
  if (set.classes.every((c) => c.name !== name || c.color === color)) return set;
  return { ...set, classes: set.classes.map((c) => (c.name === name ? { ...c, color } : c)) };
}

export function deleteClass(set: LabelSet, name: string): LabelSet {
  if (!set.classes.some((c) => c.name === name)) return set;
  return { ...set, classes: set.classes.filter((c) => c.name !== name), features: set.features.filter((f) => f.class !== name) };
}

export function featureCount(set: LabelSet, name: string): number {
  return set.features.filter((f) => f.class === name).length;
}
