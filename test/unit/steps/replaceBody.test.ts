import { describe, expect, it } from 'vitest';
import { explainStep } from '../../../src/main/core/proxy/rules';
import { responseContext, runOnResponse } from './harness';

describe('step replace-body', () => {
  it('replaces the body, and the content type when it names one', async () => {
    const ctx = responseContext(200, { 'content-type': 'application/json' });
    await runOnResponse({ type: 'replace-body', body: '<html>not found</html>', contentType: 'text/html' }, ctx);
    expect(ctx.replacement?.toString()).toBe('<html>not found</html>');
    expect(ctx.headers['content-type']).toBe('text/html');

    const keeps = responseContext(200, { 'content-type': 'application/json' });
    await runOnResponse({ type: 'replace-body', body: '{}' }, keeps);
    expect(keeps.replacement?.toString()).toBe('{}');
    expect(keeps.headers['content-type']).toBe('application/json');
    expect(explainStep({ type: 'replace-body', body: '' })).toBe('replace the body');
  });
});
