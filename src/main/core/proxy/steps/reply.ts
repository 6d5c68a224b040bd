import { z } from 'zod';
import type { Step } from '../../../../shared/rules';
import { bodyRecord } from '../../wire/body';
import { lowerKeys } from '../../wire/headers';
import { statusProblems, type StepExecutor } from './step';

type Reply = Extract<Step, { type: 'reply' }>;

/** Answers without contacting the upstream (JSON unless the step's headers say otherwise). */
export const reply: StepExecutor<Reply> = {
  schema: z.object({ type: z.literal('reply'), status: z.number().int(), headers: z.record(z.string(), z.string()).optional(), body: z.string().optional() }),
  stage: () => 'request',
  final: true,
  explain: (step) => `answer ${step.status} without contacting the upstream`,
  status: (step) => step.status,
  problems: (step) => statusProblems(step.status),
  onRequest(step, ctx) {
    const headers = { 'content-type': 'application/json', ...lowerKeys(step.headers ?? {}) };
    const body = Buffer.from(step.body ?? '');
    ctx.recording.responseStarted({ status: step.status, headers });
    ctx.res.writeHead(step.status, { ...headers, 'content-length': body.length });
    ctx.endResponse(body, () => ctx.recording.complete(body.length ? bodyRecord(body) : undefined));
    ctx.ended = true;
  },
};
