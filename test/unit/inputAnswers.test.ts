import { describe, expect, it } from 'vitest';
import { answerInputRequest, formContent } from '../../src/main/core/simulator/inputAnswers';
import { profileById } from '../../src/main/core/simulator';
import type { ReplayProfile } from '../../src/shared/simulator';

// How a simulated 2026-07-28 client answers the input requests of an input_required result.

const spec = profileById('spec@2026-07-28') as ReplayProfile;
const { capabilities, inputAnswers } = spec.protocol;

describe('input request answers', () => {
  it('accept an elicitation with content for every property of the requested schema', () => {
    const requestedSchema = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        age: { type: 'integer', minimum: 18 },
        subscribe: { type: 'boolean' },
        size: { type: 'string', enum: ['s', 'm'] },
        email: { type: 'string', format: 'email' },
        tone: { type: 'string', default: 'warm' },
      },
      required: ['name'],
    };
    expect(answerInputRequest({ method: 'elicitation/create', params: { message: 'Who?', requestedSchema } }, capabilities, inputAnswers)).toEqual({
      result: { action: 'accept', content: { name: 'Ada Lovelace', age: 18, subscribe: true, size: 's', email: 'simulated@example.com', tone: 'warm' } },
    });
    expect(formContent({ properties: { color: { type: 'string' } } }, inputAnswers?.elicitation)).toEqual({ color: 'blue' });
  });

  it('answer sampling with the canned message and roots/list with the profile\'s roots', () => {
    expect(answerInputRequest({ method: 'sampling/createMessage', params: { messages: [], maxTokens: 10 } }, capabilities, inputAnswers)).toEqual({
      result: { role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'simulated-model', stopReason: 'endTurn' },
    });
    expect(answerInputRequest({ method: 'roots/list' }, capabilities, inputAnswers)).toEqual({ result: { roots: [{ uri: 'file:///home/user/project', name: 'project' }] } });
  });

  it('refuse what the client declared no capability for, and methods that are not input requests', () => {
    expect(answerInputRequest({ method: 'sampling/createMessage' }, { elicitation: {} })).toEqual({ refused: 'sampling/createMessage needs the sampling capability, which this client does not declare' });
    expect(answerInputRequest({ method: 'tools/list' }, capabilities)).toEqual({ refused: 'tools/list is not an input request a client can fulfil' });
  });
});
