import { describe, expect, it } from 'vitest';
import { PRESETS, presetById, UnknownPresetError } from '../../src/main/core/server/presets';
import { applyProfilePatch, InvalidProfileError, SPEC_PROFILE } from '../../src/main/core/server/profile';

describe('behaviour profile', () => {
  it('defaults to the spec-correct behaviour', () => {
    expect(SPEC_PROFILE).toMatchObject({ notificationStatus: 202, tokenRequired: 'all', challengeResourceMetadata: true, sessionId: 'issue' });
  });

  it('applies a valid patch without touching other fields', () => {
    const profile = applyProfilePatch(SPEC_PROFILE, { notificationStatus: 204, getStream: 501 });
    expect(profile).toEqual({ ...SPEC_PROFILE, notificationStatus: 204, getStream: 501 });
  });

  it('names every invalid field', () => {
    expect(() => applyProfilePatch(SPEC_PROFILE, { notificationStatus: 201, getStream: 'maybe', extra: 1 })).toThrow(InvalidProfileError);
    try {
      applyProfilePatch(SPEC_PROFILE, { notificationStatus: 201, getStream: 'maybe', protocolVersion: '1999-01-01' });
    } catch (err) {
      expect((err as Error).message).toMatch(/notificationStatus/);
      expect((err as Error).message).toMatch(/getStream/);
      expect((err as Error).message).toMatch(/protocolVersion/);
    }
  });

  it('rejects scopes that cannot travel in a header', () => {
    expect(() => applyProfilePatch(SPEC_PROFILE, { scopes: ['a b'] })).toThrow(/scope/);
  });

  it('has presets that are all valid patches with unique ids', () => {
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
    for (const preset of PRESETS) expect(() => applyProfilePatch(SPEC_PROFILE, preset.profile)).not.toThrow();
    expect(() => presetById('nope')).toThrow(UnknownPresetError);
  });
});
