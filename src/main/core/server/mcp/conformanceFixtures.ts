import type { Prompt, Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import { InvalidParamsError, type ToolCallContext, type ToolDefinition, type ToolResult } from './content';
import { JsonRpcErrorCode } from '../../../../shared/protocol';
import { McpError } from './jsonrpc';
import type { InputRequest } from './mrtr';

// The fixture catalogue of the official conformance suite (@modelcontextprotocol/conformance
// 0.2.0-alpha.12): the tools, resources and prompts its server scenarios call, with the results
// each scenario's description prescribes ("Implement tool `test_simple_text` … that returns …").
// Data, like content.ts; served next to our own catalogue by profiles with
// `catalogue: 'own+conformance'` (the `conformance` preset).

/** A 1x1 red PNG and a minimal silent WAV, base64. */
const PNG_PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const WAV_SILENCE = 'UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=';

const text = (value: string): ToolResult => ({ content: [{ type: 'text', text: value }] });
const noArguments = { type: 'object' as const, properties: {} };

/** SEP-1613 / SEP-2106: the listing must keep every 2020-12 keyword as written. */
const JSON_SCHEMA_2020_12_INPUT = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object' as const,
  $defs: { address: { $anchor: 'addressDef', type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
  properties: {
    name: { type: 'string' },
    address: { $ref: '#/$defs/address' },
    contactMethod: { type: 'string', enum: ['phone', 'email'] },
    phone: { type: 'string' },
    email: { type: 'string' },
  },
  allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
  if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
  then: { required: ['phone'] },
  else: { required: ['email'] },
  additionalProperties: false,
};

const SEP1034_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', default: 'John Doe' },
    age: { type: 'integer', default: 30 },
    score: { type: 'number', default: 95.5 },
    status: { type: 'string', enum: ['active', 'inactive', 'pending'], default: 'active' },
    verified: { type: 'boolean', default: true },
  },
};

const SEP1330_SCHEMA = {
  type: 'object',
  properties: {
    untitledSingle: { type: 'string', enum: ['option1', 'option2', 'option3'] },
    titledSingle: {
      type: 'string',
      oneOf: [
        { const: 'value1', title: 'First Option' },
        { const: 'value2', title: 'Second Option' },
        { const: 'value3', title: 'Third Option' },
      ],
    },
    legacyEnum: { type: 'string', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
    untitledMulti: { type: 'array', items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
    titledMulti: {
      type: 'array',
      items: {
        anyOf: [
          { const: 'value1', title: 'First Choice' },
          { const: 'value2', title: 'Second Choice' },
          { const: 'value3', title: 'Third Choice' },
        ],
      },
    },
  },
};

function requireString(args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (typeof value !== 'string') throw new InvalidParamsError(`Argument "${name}" must be a string`);
  return value;
}

/**
 * SEP-2243: the tools the suite's `http-custom-headers` client scenario lists, a parameter per
 * case of the value encoding (plain, integer, boolean, empty, non-ASCII, surrounding whitespace,
 * control characters) mirrored into `Mcp-Param-{Name}`; the server checks each header against
 * the body (routingHeaders.ts). `float_val` and `query` carry no annotation.
 */
const mirrored = (type: 'string' | 'integer' | 'boolean', header: string, description: string) => ({ type, description, 'x-mcp-header': header });
const CUSTOM_HEADERS_SCHEMA = {
  type: 'object' as const,
  properties: {
    region: mirrored('string', 'Region', 'Plain ASCII string value'),
    priority: mirrored('integer', 'Priority', 'Integer value'),
    verbose: mirrored('boolean', 'Verbose', 'Boolean value'),
    debug: mirrored('boolean', 'Debug', 'Boolean true value'),
    empty_val: mirrored('string', 'EmptyVal', 'Empty string value'),
    method_val: mirrored('string', 'Method', 'Mirrored into Mcp-Param-Method, not Mcp-Method'),
    float_val: { type: 'number', description: 'Not mirrored (number parameters cannot be)' },
    non_ascii_val: mirrored('string', 'NonAscii', 'Non-ASCII: travels Base64-encoded'),
    whitespace_val: mirrored('string', 'Whitespace', 'Leading and trailing whitespace: Base64'),
    leading_space_val: mirrored('string', 'LeadingSpace', 'Leading space: Base64'),
    trailing_space_val: mirrored('string', 'TrailingSpace', 'Trailing space: Base64'),
    internal_space_val: mirrored('string', 'InternalSpace', 'Internal spaces only: plain'),
    control_char_val: mirrored('string', 'ControlChar', 'Control characters: Base64'),
    crlf_val: mirrored('string', 'CrLf', 'CR LF: Base64'),
    tab_val: mirrored('string', 'Tab', 'Leading tab: Base64'),
    query: { type: 'string', description: 'Not mirrored' },
  },
  required: ['region', 'priority', 'query'],
};
const CUSTOM_HEADERS_NULL_SCHEMA = {
  type: 'object' as const,
  properties: {
    region: CUSTOM_HEADERS_SCHEMA.properties.region,
    priority: CUSTOM_HEADERS_SCHEMA.properties.priority,
    verbose: mirrored('boolean', 'Verbose', 'Boolean value, sent as null: no header'),
    query: CUSTOM_HEADERS_SCHEMA.properties.query,
  },
  required: ['region', 'priority', 'query'],
};

/** What a custom-header tool received (its headers matched, or the call would not have run). */
const receivedArguments = async (args: Record<string, unknown>) => text(`Arguments received (each Mcp-Param-* header matched its argument): ${JSON.stringify(args)}`);

const elicitationResult = (result: Record<string, unknown>) => `action=${String(result.action)}, content=${JSON.stringify(result.content ?? {})}`;

/** An elicitation/create input request with a form of the given schema. */
function elicit(message: string, requestedSchema: Record<string, unknown>): InputRequest {
  return { method: 'elicitation/create', params: { message, requestedSchema } };
}

/** An elicitation asking for one required field of the given JSON type. */
const askFor = (message: string, field: string, type = 'string'): InputRequest =>
  elicit(message, { type: 'object', properties: { [field]: { type } }, required: [field] });

/** A sampling/createMessage input request with one user message. */
function sample(prompt: string, maxTokens: number): InputRequest {
  return { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens } };
}

const listRoots: InputRequest = { method: 'roots/list', params: {} };

/** The text of a sampling result, whichever of its content shapes the client sent. */
function sampledText(result: Record<string, unknown>): string | undefined {
  const content = Array.isArray(result.content) ? result.content[0] : result.content;
  return (content as { type?: string; text?: string } | undefined)?.type === 'text' ? (content as { text: string }).text : undefined;
}

/** A field of an accepted elicitation, or undefined when the user declined or cancelled. */
function acceptedField(result: Record<string, unknown>, field: string): string | undefined {
  if (result.action !== 'accept') return undefined;
  const value = (result.content as Record<string, unknown> | undefined)?.[field];
  return value === undefined ? undefined : String(value);
}

const rootCount = (result: Record<string, unknown>) => (Array.isArray(result.roots) ? result.roots.length : 0);

const confirmField = (message: string) => askFor(message, 'confirm', 'boolean');

/**
 * The tasks extension's fixtures (tasks-* scenarios, SEP-2663): tools that run as a task for a
 * client whose request declares io.modelcontextprotocol/tasks (ctx.runAsTask) and inline for any
 * other, where confirm_delete and multi_input ask through MRTR instead.
 */
const TASK_FIXTURE_TOOLS: ToolDefinition[] = [
  {
    name: 'greet',
    description: 'Greets by name, synchronously: never a task (conformance fixture, tasks).',
    inputSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    call: async (args) => text(`Hello, ${requireString(args, 'name')}!`),
  },
  {
    name: 'slow_compute',
    description: 'Waits `seconds` (at most 300) and reports `label`; a task for clients that take one, cancelled by tasks/cancel (conformance fixture, tasks).',
    inputSchema: { type: 'object', properties: { seconds: { type: 'number', minimum: 0, maximum: 300 }, label: { type: 'string' } }, required: ['seconds'] },
    taskSupport: 'optional',
    call: async (args, ctx) => {
      const seconds = args.seconds;
      if (typeof seconds !== 'number' || !(seconds >= 0 && seconds <= 300)) throw new InvalidParamsError('Argument "seconds" must be a number from 0 to 300');
      const label = typeof args.label === 'string' ? args.label : 'computation';
      return ctx.runAsTask(async (work) => {
        await work.delay(seconds * 1000);
        return text(`${label}: computed after ${seconds}s`);
      });
    },
  },
  {
    name: 'failing_job',
    description: 'Only runs as a task (a client without the extension gets -32021); ends after ~1 s with a tool error, isError: true (conformance fixture, tasks).',
    inputSchema: noArguments,
    taskSupport: 'required',
    call: async (_args, ctx) =>
      ctx.runAsTask(async (work) => {
        await work.delay(1000);
        return { ...text('failing_job failed on purpose: a tool execution error'), isError: true };
      }),
  },
  {
    name: 'protocol_error_job',
    description: 'Fails with a JSON-RPC internal error (-32603): as a task, status failed with the error inlined (conformance fixture, tasks).',
    inputSchema: noArguments,
    taskSupport: 'optional',
    call: async (_args, ctx) =>
      ctx.runAsTask(async () => {
        throw new McpError(JsonRpcErrorCode.InternalError, 'protocol_error_job failed on purpose: an internal error while the task ran');
      }),
  },
  {
    name: 'confirm_delete',
    description: 'Asks the user to confirm deleting `filename` (elicitation): as a task it waits in input_required for tasks/update (conformance fixture, tasks).',
    inputSchema: { type: 'object', properties: { filename: { type: 'string' } }, required: ['filename'] },
    taskSupport: 'optional',
    call: async (args, ctx) => {
      const filename = requireString(args, 'filename');
      return ctx.runAsTask(async (work) => {
        const { confirm } = await work.input({ confirm: confirmField(`Delete ${filename}?`) });
        return text(acceptedField(confirm!, 'confirm') === 'true' ? `Deleted ${filename}` : `Kept ${filename}: not confirmed`);
      });
    },
  },
  {
    name: 'multi_input',
    description: 'Asks two questions at once (a name and a confirmation), so two input requests are outstanding together (conformance fixture, tasks).',
    inputSchema: noArguments,
    taskSupport: 'optional',
    call: async (_args, ctx) =>
      ctx.runAsTask(async (work) => {
        const answers = await work.input({ name: askFor('What is your name?', 'name'), confirm: confirmField('Proceed?') });
        return text(`Name: ${acceptedField(answers.name!, 'name') ?? 'unknown'}; confirmed: ${acceptedField(answers.confirm!, 'confirm') ?? 'no'}`);
      }),
  },
  {
    name: 'test_tool_with_task',
    description: 'Asks the user\'s name first (MRTR, key "user_name"), then runs as a task whose result greets them; only runs as a task (conformance fixture, tasks).',
    inputSchema: noArguments,
    taskSupport: 'required',
    call: async (_args, ctx) => {
      const { user_name } = await ctx.input({ user_name: askFor('What is your name?', 'name') });
      const name = acceptedField(user_name!, 'name') ?? 'stranger';
      return ctx.runAsTask(async () => text(`Hello, ${name}! (from a task)`));
    },
  },
];

/** A diagnostic hook of the suite's server-stateless scenario: flips `item` in or out of a list, so listen streams that asked get list_changed. */
function listChangeTrigger(list: 'tools' | 'prompts', noun: string, item: string): ToolDefinition {
  return {
    name: `test_trigger_${noun.toLowerCase()}_change`,
    description: `Changes the ${noun.toLowerCase()} list (${item} comes or goes), so listen streams that asked get notifications/${list}/list_changed (conformance fixture, a diagnostic hook of server-stateless).`,
    inputSchema: noArguments,
    call: async (_args, ctx) => {
      ctx.changeList(list);
      return text(`${noun} list changed`);
    },
  };
}

export const FIXTURE_TOOLS: ToolDefinition[] = [
  {
    name: 'test_simple_text',
    description: 'Returns simple text content (conformance fixture).',
    inputSchema: noArguments,
    call: async () => text('This is a simple text response for testing.'),
  },
  {
    name: 'test_image_content',
    description: 'Returns image content (conformance fixture).',
    inputSchema: noArguments,
    call: async () => ({ content: [{ type: 'image', data: PNG_PIXEL, mimeType: 'image/png' }] }),
  },
  {
    name: 'test_audio_content',
    description: 'Returns audio content (conformance fixture).',
    inputSchema: noArguments,
    call: async () => ({ content: [{ type: 'audio', data: WAV_SILENCE, mimeType: 'audio/wav' }] }),
  },
  {
    name: 'test_embedded_resource',
    description: 'Returns an embedded resource (conformance fixture).',
    inputSchema: noArguments,
    call: async () => ({ content: [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }] }),
  },
  {
    name: 'test_multiple_content_types',
    description: 'Returns text, image and resource content (conformance fixture).',
    inputSchema: noArguments,
    call: async () => ({
      content: [
        { type: 'text', text: 'Multiple content types test:' },
        { type: 'image', data: PNG_PIXEL, mimeType: 'image/png' },
        { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: JSON.stringify({ test: 'data', value: 123 }) } },
      ],
    }),
  },
  {
    name: 'test_tool_with_logging',
    description: 'Sends three info log messages while it runs, ~50 ms apart (conformance fixture).',
    inputSchema: noArguments,
    call: async (_args, ctx) => {
      ctx.log('info', 'Tool execution started');
      await ctx.delay(50);
      ctx.log('info', 'Tool processing data');
      await ctx.delay(50);
      ctx.log('info', 'Tool execution completed');
      return text('Tool with logging executed successfully');
    },
  },
  {
    name: 'test_tool_with_progress',
    description: 'Reports progress 0, 50 and 100 of 100, ~50 ms apart (conformance fixture).',
    inputSchema: noArguments,
    call: async (_args, ctx) => {
      for (const step of [0, 50, 100]) {
        if (step > 0) await ctx.delay(50);
        ctx.progress(step, 100, `Completed step ${step} of 100`);
      }
      return text('Tool with progress executed successfully');
    },
  },
  {
    name: 'test_error_handling',
    description: 'Always fails with isError: true (conformance fixture).',
    inputSchema: noArguments,
    call: async () => ({ ...text('This tool intentionally returns an error for testing'), isError: true }),
  },
  {
    name: 'test_custom_headers',
    description: 'A tool with x-mcp-header annotations: its arguments are mirrored into Mcp-Param-* headers, encoded where needed (conformance fixture, SEP-2243).',
    inputSchema: CUSTOM_HEADERS_SCHEMA,
    call: receivedArguments,
  },
  {
    name: 'test_custom_headers_null',
    description: 'A tool whose x-mcp-header argument may be null: no header then (conformance fixture, SEP-2243).',
    inputSchema: CUSTOM_HEADERS_NULL_SCHEMA,
    call: receivedArguments,
  },
  {
    name: 'test_sampling',
    description: 'Asks the client for an LLM completion with sampling/createMessage (conformance fixture).',
    inputSchema: { type: 'object', properties: { prompt: { type: 'string', description: 'The prompt to send to the LLM' } }, required: ['prompt'] },
    call: async (args, ctx) => {
      const prompt = requireString(args, 'prompt');
      const { sampling } = await ctx.input({ sampling: sample(prompt, 100) });
      return text(`LLM response: ${sampledText(sampling!) ?? 'No response'}`);
    },
  },
  {
    name: 'test_elicitation',
    description: 'Asks the user for a username and email with elicitation/create (conformance fixture).',
    inputSchema: { type: 'object', properties: { message: { type: 'string', description: 'The message to show the user' } }, required: ['message'] },
    call: async (args, ctx) => {
      const { elicitation } = await ctx.input({
        elicitation: elicit(requireString(args, 'message'), {
          type: 'object',
          properties: { username: { type: 'string', description: "User's response" }, email: { type: 'string', description: "User's email address" } },
          required: ['username', 'email'],
        }),
      });
      return text(`User response: ${elicitationResult(elicitation!)}`);
    },
  },
  {
    name: 'test_elicitation_sep1034_defaults',
    description: 'Elicitation with a default for every primitive type, SEP-1034 (conformance fixture).',
    inputSchema: noArguments,
    call: async (_args, ctx) => {
      const { elicitation } = await ctx.input({ elicitation: elicit('Please review and update the form fields with defaults', SEP1034_SCHEMA) });
      return text(`Elicitation completed: ${elicitationResult(elicitation!)}`);
    },
  },
  {
    name: 'test_elicitation_sep1330_enums',
    description: 'Elicitation with the five enum variants of SEP-1330 (conformance fixture).',
    inputSchema: noArguments,
    call: async (_args, ctx) => {
      const { elicitation } = await ctx.input({ elicitation: elicit('Please select options from the enum fields', SEP1330_SCHEMA) });
      return text(`Elicitation completed: ${elicitationResult(elicitation!)}`);
    },
  },
  {
    name: 'test_logging_tool',
    description: 'Sends an info log message, only to a client that asked for logs (2026-07-28: _meta logLevel) (conformance fixture).',
    inputSchema: noArguments,
    call: async (_args, ctx) => {
      ctx.log('info', 'Logging tool ran');
      return text('Logging tool executed');
    },
  },
  {
    name: 'test_missing_capability',
    description: 'Needs the client\'s sampling capability: a client that did not declare it gets -32021 MissingRequiredClientCapability in 2026-07-28 (conformance fixture).',
    inputSchema: noArguments,
    requiredClientCapability: 'sampling',
    call: async (_args, ctx) => {
      const { sampling } = await ctx.input({ sampling: sample('Say hello', 20) });
      return text(`Sampled: ${sampledText(sampling!) ?? 'no text'}`);
    },
  },
  listChangeTrigger('tools', 'Tool', 'test_dynamic_tool'),
  listChangeTrigger('prompts', 'Prompt', 'test_dynamic_prompt'),
  {
    name: 'json_schema_2020_12_tool',
    description: 'A tool whose inputSchema uses JSON Schema 2020-12 keywords, SEP-1613 / SEP-2106 (conformance fixture).',
    inputSchema: JSON_SCHEMA_2020_12_INPUT,
    call: async () => text('ok'),
  },
  // Multi-round-trip requests (SEP-2322). Each asks with ctx.input(): in 2026-07-28 the call is
  // answered input_required and completes on the client's retry; in the session era the same
  // tool sends the requests on the POST's stream. Keys and texts are the ones the suite's
  // input-required-result-* scenarios describe.
  {
    name: 'test_input_required_result_elicitation',
    description: 'Asks the user\'s name (elicitation, key "user_name") and greets them (conformance fixture, MRTR).',
    inputSchema: noArguments,
    call: async (_args, ctx) => {
      const { user_name } = await ctx.input({ user_name: askFor('What is your name?', 'name') });
      return text(`Hello, ${acceptedField(user_name!, 'name') ?? 'stranger'}!`);
    },
  },
  {
    name: 'test_input_required_result_sampling',
    description: 'Asks the client\'s model a question (sampling, key "capital_question") (conformance fixture, MRTR).',
    inputSchema: noArguments,
    call: async (_args, ctx) => {
      const { capital_question } = await ctx.input({ capital_question: sample('What is the capital of France?', 100) });
      return text(`Sampling result: ${sampledText(capital_question!) ?? 'no response'}`);
    },
  },
  {
    name: 'test_input_required_result_list_roots',
    description: 'Asks for the client\'s roots (roots/list, key "client_roots") and counts them (conformance fixture, MRTR).',
    inputSchema: noArguments,
    call: async (_args, ctx) => {
      const { client_roots } = await ctx.input({ client_roots: listRoots });
      return text(`Found ${rootCount(client_roots!)} root(s)`);
    },
  },
  {
    name: 'test_input_required_result_request_state',
    description: 'Asks for a confirmation (key "confirm") and says whether the retry carried the requestState it was given (conformance fixture, MRTR).',
    inputSchema: noArguments,
    call: async (_args, ctx) => {
      const { confirm } = await ctx.input({ confirm: askFor('Please confirm', 'ok', 'boolean') });
      const confirmed = acceptedField(confirm!, 'ok') === 'true';
      return ctx.round > 1
        ? text(`state-ok: requestState verified (round ${ctx.round}), confirmed=${confirmed}`)
        : text(`confirmed=${confirmed}, but the retry did not echo the requestState this server sent`);
    },
  },
  {
    name: 'test_input_required_result_multiple_inputs',
    description: 'Asks for three inputs at once: a name (elicitation), a greeting (sampling) and the roots (conformance fixture, MRTR).',
    inputSchema: noArguments,
    call: async (_args, ctx) => {
      const answers = await ctx.input({ user_name: askFor('What is your name?', 'name'), greeting: sample('Generate a greeting', 50), client_roots: listRoots });
      return text(`Name: ${acceptedField(answers.user_name!, 'name') ?? 'unknown'}; Greeting: ${sampledText(answers.greeting!) ?? 'none'}; Roots: ${rootCount(answers.client_roots!)}`);
    },
  },
  {
    name: 'test_input_required_result_multi_round',
    description: 'Asks two questions one after the other (keys "step1", then "step2"): three rounds (conformance fixture, MRTR).',
    inputSchema: noArguments,
    call: async (_args, ctx) => {
      const { step1 } = await ctx.input({ step1: askFor('Step 1: What is your name?', 'name') });
      const { step2 } = await ctx.input({ step2: askFor('Step 2: What is your favorite color?', 'color') });
      return text(`Multi-round complete for ${acceptedField(step1!, 'name') ?? 'friend'} who likes ${acceptedField(step2!, 'color') ?? 'no color'}`);
    },
  },
  {
    name: 'test_input_required_result_tampered_state',
    description: 'Asks for a confirmation; a retry whose requestState was altered is refused with -32602 (conformance fixture, MRTR).',
    inputSchema: noArguments,
    call: async (_args, ctx) => {
      await ctx.input({ confirm: askFor('Please confirm', 'ok', 'boolean') });
      return text('integrity-ok: state verified');
    },
  },
  {
    name: 'test_input_required_result_capabilities',
    description: 'Asks only for what the client declared: elicitation and/or sampling (conformance fixture, MRTR).',
    inputSchema: noArguments,
    call: async (_args, ctx) => {
      const requests: Record<string, InputRequest> = {};
      if ('elicitation' in ctx.clientCapabilities) requests.elicit_input = askFor('Elicitation input', 'value');
      if ('sampling' in ctx.clientCapabilities) requests.sample_input = sample('Sample request', 50);
      if (Object.keys(requests).length === 0) return text('No supported capabilities declared');
      return text(`capabilities-ok: received ${Object.keys(await ctx.input(requests)).join(',')}`);
    },
  },
  {
    name: 'test_streaming_elicitation',
    description: 'Reports progress, then asks for a confirmation: in 2026-07-28 the answer stream carries only notifications and the input_required result, never a request (conformance fixture).',
    inputSchema: noArguments,
    requiredClientCapability: 'elicitation',
    call: async (_args, ctx) => {
      ctx.progress(50, 100, 'Halfway, asking for confirmation');
      await ctx.input({ confirmation: askFor('Continue?', 'confirm', 'boolean') });
      return text('Streaming complete');
    },
  },
  ...TASK_FIXTURE_TOOLS,
];

/** The entry test_trigger_tool_change adds to (or takes from) the tool list of its server. */
export const FIXTURE_DYNAMIC_TOOL: ToolDefinition = {
  name: 'test_dynamic_tool',
  description: 'Listed after an odd number of test_trigger_tool_change calls (conformance fixture).',
  inputSchema: noArguments,
  call: async () => text('Dynamic tool called'),
};

export const FIXTURE_RESOURCES: Array<Resource & { read(): { text: string } | { blob: string } }> = [
  {
    uri: 'test://static-text',
    name: 'static-text',
    description: 'A static text resource (conformance fixture).',
    mimeType: 'text/plain',
    read: () => ({ text: 'This is the content of the static text resource.' }),
  },
  {
    uri: 'test://static-binary',
    name: 'static-binary',
    description: 'A static binary resource, a PNG (conformance fixture).',
    mimeType: 'image/png',
    read: () => ({ blob: PNG_PIXEL }),
  },
  {
    uri: 'test://watched-resource',
    name: 'watched-resource',
    description: 'A resource to subscribe to (conformance fixture).',
    mimeType: 'text/plain',
    read: () => ({ text: 'Watched resource content.' }),
  },
];

export const FIXTURE_RESOURCE_TEMPLATES: ResourceTemplate[] = [
  {
    uriTemplate: 'test://template/{id}/data',
    name: 'template-data',
    description: 'Data for one id (conformance fixture).',
    mimeType: 'application/json',
  },
];

/** resources/read of a fixture URI, or undefined when the URI is none of them. */
export function readFixtureResource(uri: string): Array<Record<string, unknown>> | undefined {
  const fixed = FIXTURE_RESOURCES.find((resource) => resource.uri === uri);
  if (fixed) return [{ uri, mimeType: fixed.mimeType, ...fixed.read() }];
  const template = /^test:\/\/template\/([^/]+)\/data$/.exec(uri);
  if (template) {
    const id = decodeURIComponent(template[1]!);
    return [{ uri, mimeType: 'application/json', text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }];
  }
  return undefined;
}

export const FIXTURE_PROMPTS: Prompt[] = [
  { name: 'test_simple_prompt', description: 'A prompt without arguments (conformance fixture).' },
  {
    name: 'test_prompt_with_arguments',
    description: 'A prompt with two required arguments (conformance fixture).',
    arguments: [
      { name: 'arg1', description: 'First test argument', required: true },
      { name: 'arg2', description: 'Second test argument', required: true },
    ],
  },
  {
    name: 'test_prompt_with_embedded_resource',
    description: 'A prompt that embeds a resource (conformance fixture).',
    arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }],
  },
  { name: 'test_prompt_with_image', description: 'A prompt with image content (conformance fixture).' },
  { name: 'test_input_required_result_prompt', description: 'Asks the user for context (elicitation, key "user_context") before it is built (conformance fixture, MRTR).' },
];

/** The entry test_trigger_prompt_change adds to (or takes from) the prompt list of its server. */
export const FIXTURE_DYNAMIC_PROMPT: Prompt = { name: 'test_dynamic_prompt', description: 'Listed after an odd number of test_trigger_prompt_change calls (conformance fixture).' };

/** prompts/get of a fixture prompt, or undefined when the name is none of them. */
export async function getFixturePrompt(name: string, args: Record<string, string>, input: ToolCallContext['input']): Promise<Record<string, unknown> | undefined> {
  const required = (key: string): string => {
    if (typeof args[key] !== 'string') throw new InvalidParamsError(`Missing required argument "${key}"`);
    return args[key];
  };
  switch (name) {
    case 'test_simple_prompt':
      return { messages: [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }] };
    case 'test_prompt_with_arguments':
      return { messages: [{ role: 'user', content: { type: 'text', text: `Prompt with arguments: arg1='${required('arg1')}', arg2='${required('arg2')}'` } }] };
    case 'test_prompt_with_embedded_resource':
      return {
        messages: [
          { role: 'user', content: { type: 'resource', resource: { uri: required('resourceUri'), mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
          { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
        ],
      };
    case 'test_input_required_result_prompt': {
      const { user_context } = await input({ user_context: askFor('What context should the prompt use?', 'context') });
      return { messages: [{ role: 'user', content: { type: 'text', text: `Prompt with context: ${acceptedField(user_context!, 'context') ?? 'none given'}` } }] };
    }
    case 'test_prompt_with_image':
      return {
        messages: [
          { role: 'user', content: { type: 'image', data: PNG_PIXEL, mimeType: 'image/png' } },
          { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
        ],
      };
    case 'test_dynamic_prompt':
      return { messages: [{ role: 'user', content: { type: 'text', text: 'This prompt comes and goes with test_trigger_prompt_change.' } }] };
    default:
      return undefined;
  }
}
