// Types of desktop.js for the TypeScript that imports it (test/desktop/run.ts).
export function electronBinary(): string | undefined;
export function electronUnavailableReason(): string | undefined;
export function headlessNotice(reason: string, desktopHint: string): string;
export function runAttached(command: string, args: string[], cwd: string): void;
