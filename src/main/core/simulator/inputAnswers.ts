import { INPUT_REQUEST_CAPABILITY, type InputRequest } from '../../../shared/mrtr';
import type { InputAnswers } from '../../../shared/simulator';

// How a simulated client fulfils the input requests of a 2026-07-28 `input_required` result
// from its profile's data: an elicitation is accepted with content that satisfies the
// requested schema, sampling gets a canned model answer, roots/list the profile's roots. A
// request the client has no capability for cannot be answered (a real client has no handler).

export type InputAnswer = { result: Record<string, unknown> } | { refused: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value a user would type for one property of an elicitation form (restricted JSON Schema: primitives and enums). */
function formValue(name: string, schema: Record<string, unknown>, given: Record<string, unknown>): unknown {
  if (name in given) return given[name];
  if ('default' in schema) return schema.default;
  const options = Array.isArray(schema.enum) ? schema.enum : Array.isArray(schema.oneOf) ? schema.oneOf.map((o) => (isObject(o) ? o.const : undefined)) : undefined;
  if (options?.length) return options[0];
  switch (schema.type) {
    case 'number':
    case 'integer':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    case 'array': {
      const items = isObject(schema.items) ? schema.items : {};
      const choices = Array.isArray(items.enum) ? items.enum : Array.isArray(items.anyOf) ? items.anyOf.map((o) => (isObject(o) ? o.const : undefined)) : [];
      return choices.length ? [choices[0]] : [];
    }
    default:
      if (schema.format === 'email') return 'simulated@example.com';
      if (schema.format === 'uri') return 'https://example.com/';
      if (schema.format === 'date') return '2026-07-28';
      if (schema.format === 'date-time') return '2026-07-28T00:00:00Z';
      return `simulated ${name}`;
  }
}

/** Content for an elicitation form: every property of `requestedSchema` filled in. */
export function formContent(requestedSchema: unknown, given: Record<string, unknown> = {}): Record<string, unknown> {
  const properties = isObject(requestedSchema) && isObject(requestedSchema.properties) ? requestedSchema.properties : {};
  return Object.fromEntries(Object.entries(properties).map(([name, schema]) => [name, formValue(name, isObject(schema) ? schema : {}, given)]));
}

/** The client's answer to one input request, or why it cannot give one. */
export function answerInputRequest(request: InputRequest, capabilities: Record<string, unknown>, data: InputAnswers = {}): InputAnswer {
  const capability = INPUT_REQUEST_CAPABILITY[request.method];
  if (!capability) return { refused: `${request.method} is not an input request a client can fulfil` };
  if (!(capability in capabilities)) return { refused: `${request.method} needs the ${capability} capability, which this client does not declare` };
  const params = request.params ?? {};
  switch (request.method) {
    case 'elicitation/create':
      // URL mode: the user opened the page and came back; there is no form content.
      return { result: params.mode === 'url' ? { action: 'accept' } : { action: 'accept', content: formContent(params.requestedSchema, data.elicitation) } };
    case 'sampling/createMessage':
      return { result: { role: 'assistant', content: { type: 'text', text: data.sampling ?? 'A simulated answer.' }, model: 'simulated-model', stopReason: 'endTurn' } };
    default:
      return { result: { roots: data.roots ?? [] } };
  }
}
