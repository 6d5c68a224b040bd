import type { Step } from '../../../shared/rules';

// The `patch-json` step on one JSON-RPC message (rules.ts): RFC 6901 pointers with `*` for every
// array element, `remove` and `replace` only where the target exists (RFC 6902 semantics without
// the failure: a message that lacks the field is left as it is).

export type JsonPatchStep = Extract<Step, { type: 'patch-json' }>;

/** A JSON Pointer's reference tokens (`~1` is `/`, `~0` is `~`). Throws on a pointer that does not start with `/`. */
export function pointerTokens(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new Error(`"${pointer}" is not a JSON Pointer: it must start with "/"`);
  return pointer.slice(1).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];
const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null;

/** The containers and keys a pointer names in `root` (several with `*`), where they exist. */
function targets(root: unknown, tokens: string[]): Array<{ parent: Container; key: string }> {
  let level: unknown[] = [root];
  for (const token of tokens.slice(0, -1)) {
    level = level.flatMap((node) => {
      if (!isContainer(node)) return [];
      if (token === '*') return Array.isArray(node) ? node : [];
      return token in node ? [(node as Record<string, unknown>)[token]] : [];
    });
  }
  const last = tokens[tokens.length - 1]!;
  return level.filter(isContainer).flatMap((parent) => {
    if (last === '*') return Array.isArray(parent) ? parent.map((_, i) => ({ parent, key: String(i) })) : [];
    return last in parent ? [{ parent, key: last }] : [];
  });
}

/** Applies the step to one parsed message in place; whether it changed anything. */
export function patchMessage(message: unknown, step: JsonPatchStep): boolean {
  let changed = false;
  for (const pointer of step.remove ?? []) {
    // Array elements go from the last, so earlier indexes stay valid.
    for (const { parent, key } of targets(message, pointerTokens(pointer)).reverse()) {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      changed = true;
    }
  }
  for (const [pointer, value] of Object.entries(step.replace ?? {})) {
    for (const { parent, key } of targets(message, pointerTokens(pointer))) {
      (parent as Record<string, unknown>)[key] = structuredClone(value);
      changed = true;
    }
  }
  return changed;
}

/** A JSON text (one message or a batch) with the steps applied, or undefined when it is not JSON or nothing changed. */
export function patchJsonText(text: string, steps: readonly JsonPatchStep[]): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const messages = Array.isArray(value) ? value : [value];
  let changed = false;
  for (const step of steps) for (const message of messages) changed = patchMessage(message, step) || changed;
  return changed ? JSON.stringify(value) : undefined;
}

/**
 * The patch-json steps of the rules that matched, applied to JSON-RPC text message by message.
 * A step is recorded as applied the first time it changes something: a rule that found nothing
 * to edit did not change the exchange.
 */
export class JsonRpcEdits {
  private readonly recorded = new Set<JsonPatchStep>();

  constructor(private readonly steps: ReadonlyArray<{ step: JsonPatchStep; applied: () => void }>) {}

  get active(): boolean {
    return this.steps.length > 0;
  }

  /** The text with every step applied, or undefined when nothing changed. */
  apply(text: string): string | undefined {
    let current: string | undefined;
    for (const { step, applied } of this.steps) {
      const patched = patchJsonText(current ?? text, [step]);
      if (patched === undefined) continue;
      current = patched;
      if (this.recorded.has(step)) continue;
      this.recorded.add(step);
      applied();
    }
    return current;
  }
}
