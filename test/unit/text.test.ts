import { describe, expect, it } from 'vitest';
import { clip } from '../../src/shared/text';

describe('clip', () => {
  it('leaves text that fits alone', () => {
    expect(clip('fetch failed', 12)).toBe('fetch failed');
  });

  it('cuts at a word boundary, never mid-word, and says it cut', () => {
    expect(clip('TypeError: fetch failed because the host did not answer', 24)).toBe('TypeError: fetch failed…');
    expect(clip('TypeError: fetch failed because', 20)).toBe('TypeError: fetch…');
  });

  it('cuts a single word longer than the room where the room ends', () => {
    expect(clip('eyJhbGciOiJSUzI1NiJ9.payload.signature', 10)).toBe('eyJhbGciO…');
  });
});
