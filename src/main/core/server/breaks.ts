import { JSON_SCHEMA_2020_KEYWORDS, type RequirementBreakId } from '../../../shared/breaks';
import type { BehaviorProfile, BehaviorProfilePatch } from '../../../shared/profile';

// Requirements the reference server breaks on purpose (shared/breaks.ts). The server asks
// `breaks(profile, id)` at the one place it honours that requirement, and does the wrong thing
// there instead; nothing else in the server knows about breaks.

/** Whether the profile breaks this requirement on purpose. */
export function breaks(profile: Pick<BehaviorProfile, 'breaks'>, id: RequirementBreakId): boolean {
  return profile.breaks.includes(id);
}

/** What turning a toggle option off again puts back: the fields it replaced, and the breaks it added. */
export interface ToggleUndo {
  fields: BehaviorProfilePatch;
  addedBreaks: RequirementBreakId[];
}

/**
 * The patch that turns a toggle option on, and how to undo it. Fields replace the current value
 * (and come back on undo); `breaks` is a set several toggles share: an option adds its own and
 * undo removes only those it added, so break toggles can be on together in any order.
 */
export function toggleOn(current: BehaviorProfile, patch: BehaviorProfilePatch): { patch: BehaviorProfilePatch; undo: ToggleUndo } {
  const { breaks: wanted, ...fields } = patch;
  const addedBreaks = (wanted ?? []).filter((id) => !current.breaks.includes(id));
  const replaced = Object.fromEntries(Object.keys(fields).map((key) => [key, current[key as keyof BehaviorProfile]])) as BehaviorProfilePatch;
  return {
    patch: { ...fields, ...(addedBreaks.length ? { breaks: [...current.breaks, ...addedBreaks] } : {}) },
    undo: { fields: replaced, addedBreaks },
  };
}

/** The patch that undoes `toggleOn`, judged against the profile as it is now. */
export function toggleOff(current: BehaviorProfile, undo: ToggleUndo): BehaviorProfilePatch {
  return { ...undo.fields, ...(undo.addedBreaks.length ? { breaks: current.breaks.filter((id) => !undo.addedBreaks.includes(id)) } : {}) };
}

const DROPPED_KEYWORDS = new Set<string>(JSON_SCHEMA_2020_KEYWORDS);

/**
 * A tool's inputSchema as a server that flattens schemas to a draft-07 subset lists it: the
 * 2020-12 keywords are gone at every depth, so what the tool expects is no longer said.
 */
export function withoutJsonSchema2020Keywords(schema: Record<string, unknown>): Record<string, unknown> {
  // Keys of `properties` are property names, not keywords: a property called "not" stays.
  const strip = (value: unknown, names = false): unknown => {
    if (Array.isArray(value)) return value.map((item) => strip(item));
    if (typeof value !== 'object' || value === null) return value;
    const kept = Object.entries(value).filter(([key]) => names || !DROPPED_KEYWORDS.has(key));
    return Object.fromEntries(kept.map(([key, inner]) => [key, strip(inner, !names && (key === 'properties' || key === 'patternProperties'))]));
  };
  return strip(schema) as Record<string, unknown>;
}
