import { JSON_SCHEMA_2020_KEYWORDS, type RequirementBreakId } from '../../../shared/breaks';
import type { BehaviorProfile } from '../../../shared/profile';

// Requirements the reference server breaks on purpose (shared/breaks.ts). The server asks
// `breaks(profile, id)` at the one place it honours that requirement, and does the wrong thing
// there instead; nothing else in the server knows about breaks.

/** Whether the profile breaks this requirement on purpose. */
export function breaks(profile: Pick<BehaviorProfile, 'breaks'>, id: RequirementBreakId): boolean {
  return profile.breaks.includes(id);
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
