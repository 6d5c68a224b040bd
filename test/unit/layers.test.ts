import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rules of eslint.config.mjs catch what they are for: each case is a one-line file
// placed in a layer, linted with the project's config as `npm run lint` does.

const eslint = new ESLint();

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it.each([
    ['src/shared/x.ts', "import { Inspector } from '../main/core/inspector';", /src\/shared imports nothing of main/],
    ['src/shared/x.ts', "import { readFile } from 'node:fs';", /no Node built-ins/],
    ['src/renderer/src/x.tsx', "import { FrontDoor } from '../../main/core/proxy/frontDoor';", /imports only src\/shared/],
    ['src/renderer/src/x.tsx', "import { ipcRenderer } from 'electron';", /Only src\/main\/index.ts/],
    ['src/main/core/x.ts', "import { app } from 'electron';", /the core runs headless/],
    ['src/main/index.ts', "import { ipcMain } from 'electron';", /only in src\/main\/ipc.ts/],
    ['src/main/core/wire/x.ts', "import { Recorder } from '../recorder/recorder';", /wire imports only src\/shared/],
    ['src/main/core/wire/x.ts', "import { z } from 'zod';", /wire imports only src\/shared and Node built-ins \(node:\*\), no packages/],
    ['src/main/core/recorder/x.ts', "import { CALLBACK_PREFIX } from '../proxy/asInterceptMap';", /recorder imports only core\/wire/],
    ['src/main/core/recorder/x.ts', "import { lintExchanges } from '../lint/engine';", /recorder imports only core\/wire/],
    ['src/main/core/recorder/x.ts', "import { app } from 'electron';", /the core runs headless/],
  ])('%s: %s is refused', async (file, code, reason) => {
    expect(await restrictedImports(file, code)).toEqual([expect.stringMatching(reason)]);
  });

  it.each([
    ['src/renderer/src/x.tsx', "import type { Exchange } from '../../shared/exchange';"],
    ['src/main/ipc.ts', "import { ipcMain } from 'electron';"],
    ['src/main/core/x.ts', "import { createServer } from 'node:http';"],
    ['src/main/core/wire/x.ts', "import type { BodyRecord } from '../../../shared/exchange';"],
    ['src/main/core/wire/x.ts', "import { isUtf8 } from 'node:buffer';"],
    ['src/main/core/recorder/x.ts', "import { SseParser } from '../wire/sse';"],
    ['src/main/core/recorder/x.ts', "import { exchangeOutcome } from '../../../shared/outcome';"],
    ['src/main/core/recorder/x.ts', "import { classifyRequest } from './classify';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await restrictedImports(file, code)).toEqual([]);
  });
});
