// `subscriptions/listen` (MCP 2026-07-28, SEP-2575): the names and the filter rule the reference
// server, the recorder and lint share. Pure functions over plain data.
// https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/subscriptions

export const LISTEN_METHOD = 'subscriptions/listen';
/** The first message of every listen stream. */
export const ACKNOWLEDGED_METHOD = 'notifications/subscriptions/acknowledged';
/** The `_meta` key every message of a listen stream carries: the listen request's JSON-RPC id. */
export const SUBSCRIPTION_ID_META = 'io.modelcontextprotocol/subscriptionId';

/** What a client opts in to (`params.notifications`), and what the acknowledgement says was agreed. */
export interface SubscriptionFilter {
  toolsListChanged?: boolean;
  promptsListChanged?: boolean;
  resourcesListChanged?: boolean;
  /** URIs whose `notifications/resources/updated` the client wants. */
  resourceSubscriptions?: string[];
  /** Tasks whose `notifications/tasks` the client wants (the tasks extension, io.modelcontextprotocol/tasks). */
  taskIds?: string[];
}

/** The status notification of the tasks extension: a DetailedTask, as tasks/get would answer. */
export const TASK_STATUS_METHOD = 'notifications/tasks';
/** The filter fields that are lists of names: resource URIs, task ids. */
const LIST_FIELDS = ['resourceSubscriptions', 'taskIds'] as const;

/** The list-changed notification each boolean filter field opts in to. */
export const LIST_CHANGED_FIELDS = {
  toolsListChanged: 'notifications/tools/list_changed',
  promptsListChanged: 'notifications/prompts/list_changed',
  resourcesListChanged: 'notifications/resources/list_changed',
} as const;

export type ListChangedField = keyof typeof LIST_CHANGED_FIELDS;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a filter from the wire: undefined when it is no object or a known field has the wrong
 * type. Fields this revision does not define are left out (a newer client may send more).
 */
export function parseSubscriptionFilter(value: unknown): SubscriptionFilter | undefined {
  if (!isObject(value)) return undefined;
  const filter: SubscriptionFilter = {};
  for (const field of Object.keys(LIST_CHANGED_FIELDS) as ListChangedField[]) {
    const flag = value[field];
    if (flag === undefined) continue;
    if (typeof flag !== 'boolean') return undefined;
    if (flag) filter[field] = true;
  }
  for (const field of LIST_FIELDS) {
    const names = value[field];
    if (names === undefined) continue;
    if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) return undefined;
    if (names.length) filter[field] = [...new Set(names as string[])];
  }
  return filter;
}

/**
 * Whether a filter lets a notification through: a list change whose field is true, or a resource
 * update for one of its URIs. Anything else (progress, log messages) is never a listen stream's.
 */
export function filterAdmits(filter: SubscriptionFilter, method: string, params?: Record<string, unknown>): boolean {
  for (const [field, listChanged] of Object.entries(LIST_CHANGED_FIELDS) as Array<[ListChangedField, string]>) {
    if (method === listChanged) return filter[field] === true;
  }
  if (method === 'notifications/resources/updated') return typeof params?.uri === 'string' && (filter.resourceSubscriptions ?? []).includes(params.uri);
  if (method === TASK_STATUS_METHOD) return typeof params?.taskId === 'string' && (filter.taskIds ?? []).includes(params.taskId);
  return false;
}

/** The part of `requested` that `offered` covers: what a server agrees to in its acknowledgement. */
export function agreedFilter(requested: SubscriptionFilter, offered: SubscriptionFilter): SubscriptionFilter {
  const agreed: SubscriptionFilter = {};
  for (const field of Object.keys(LIST_CHANGED_FIELDS) as ListChangedField[]) if (requested[field] && offered[field]) agreed[field] = true;
  for (const field of LIST_FIELDS) {
    const names = (requested[field] ?? []).filter((name) => offered[field]?.includes(name));
    if (names.length) agreed[field] = names;
  }
  return agreed;
}

/** A filter in a few words, for labels and messages: "tools, prompts, 2 resources" or "nothing". */
export function describeFilter(filter: SubscriptionFilter): string {
  const parts = (Object.keys(LIST_CHANGED_FIELDS) as ListChangedField[]).filter((field) => filter[field]).map((field) => field.replace('ListChanged', ''));
  const uris = filter.resourceSubscriptions?.length ?? 0;
  if (uris) parts.push(uris === 1 ? '1 resource' : `${uris} resources`);
  const tasks = filter.taskIds?.length ?? 0;
  if (tasks) parts.push(tasks === 1 ? '1 task' : `${tasks} tasks`);
  return parts.length ? parts.join(', ') : 'nothing';
}
