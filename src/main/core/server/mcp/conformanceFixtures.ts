import type { Prompt, Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import { InvalidParamsError, type ToolDefinition, type ToolResult } from './content';

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
      const result = await ctx.requestClient('sampling/createMessage', { messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 }, 'sampling');
      const content = Array.isArray(result.content) ? result.content[0] : result.content;
      const answer = (content as { type?: string; text?: string } | undefined)?.type === 'text' ? (content as { text: string }).text : 'No response';
      return text(`LLM response: ${answer}`);
    },
  },
  {
    name: 'test_elicitation',
    description: 'Asks the user for a username and email with elicitation/create (conformance fixture).',
    inputSchema: { type: 'object', properties: { message: { type: 'string', description: 'The message to show the user' } }, required: ['message'] },
    call: async (args, ctx) => {
      const result = await ctx.requestClient(
        'elicitation/create',
        {
          message: requireString(args, 'message'),
          requestedSchema: {
            type: 'object',
            properties: { username: { type: 'string', description: "User's response" }, email: { type: 'string', description: "User's email address" } },
            required: ['username', 'email'],
          },
        },
        'elicitation',
      );
      return text(`User response: ${elicitationResult(result)}`);
    },
  },
  {
    name: 'test_elicitation_sep1034_defaults',
    description: 'Elicitation with a default for every primitive type, SEP-1034 (conformance fixture).',
    inputSchema: noArguments,
    call: async (_args, ctx) => {
      const result = await ctx.requestClient('elicitation/create', { message: 'Please review and update the form fields with defaults', requestedSchema: SEP1034_SCHEMA }, 'elicitation');
      return text(`Elicitation completed: ${elicitationResult(result)}`);
    },
  },
  {
    name: 'test_elicitation_sep1330_enums',
    description: 'Elicitation with the five enum variants of SEP-1330 (conformance fixture).',
    inputSchema: noArguments,
    call: async (_args, ctx) => {
      const result = await ctx.requestClient('elicitation/create', { message: 'Please select options from the enum fields', requestedSchema: SEP1330_SCHEMA }, 'elicitation');
      return text(`Elicitation completed: ${elicitationResult(result)}`);
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
      const result = await ctx.requestClient('sampling/createMessage', { messages: [{ role: 'user', content: { type: 'text', text: 'Say hello' } }], maxTokens: 20 }, 'sampling');
      const content = Array.isArray(result.content) ? result.content[0] : result.content;
      return text(`Sampled: ${(content as { text?: string } | undefined)?.text ?? 'no text'}`);
    },
  },
  {
    name: 'json_schema_2020_12_tool',
    description: 'A tool whose inputSchema uses JSON Schema 2020-12 keywords, SEP-1613 / SEP-2106 (conformance fixture).',
    inputSchema: JSON_SCHEMA_2020_12_INPUT,
    call: async () => text('ok'),
  },
];

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
];

/** prompts/get of a fixture prompt, or undefined when the name is none of them. */
export function getFixturePrompt(name: string, args: Record<string, string>): Record<string, unknown> | undefined {
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
    case 'test_prompt_with_image':
      return {
        messages: [
          { role: 'user', content: { type: 'image', data: PNG_PIXEL, mimeType: 'image/png' } },
          { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
        ],
      };
    default:
      return undefined;
  }
}
