import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Finds the project's resources/ folder whether the core runs from src/ (tsx, tests) or
// from the bundled out/main/ (Electron, the bin): walk up from this module until it appears.
function findResourcesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources');
    if (existsSync(join(candidate, 'consent.html'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('Cannot find the resources/ folder next to the application');
}

let resourcesDir: string | undefined;
const cache = new Map<string, string>();

export function readResource(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    resourcesDir ??= findResourcesDir();
    text = readFileSync(join(resourcesDir, name), 'utf8');
    cache.set(name, text);
  }
  return text;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Fills `{{name}}` placeholders of a resource template, HTML-escaping every value. */
export function renderTemplate(name: string, values: Record<string, string>): string {
  return readResource(name).replace(/\{\{(\w+)\}\}/g, (_, key: string) => escapeHtml(values[key] ?? ''));
}
