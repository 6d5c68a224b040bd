import { describe, expect, it } from 'vitest';
import type { ControlEvent } from '../../src/shared/controlApi';
import { TimelineModel } from '../../src/renderer/src/state/timeline';
import { FrameBatcher } from '../../src/renderer/src/state/batcher';
import { row } from './fixtures';

const upsert = (exchange: ReturnType<typeof row>): ControlEvent => ({ type: 'exchange', exchange });

describe('timeline model', () => {
  it('keeps rows normalised by id in start order; a newer revision replaces, an older one is ignored', () => {
    const model = new TimelineModel();
    const a = row({ status: undefined, state: 'pending' });
    const b = row();
    model.apply([upsert(a), upsert(b)]);
    expect(model.order).toEqual([a.id, b.id]);
    model.apply([upsert({ ...a, revision: a.revision + 100, status: 401, state: 'complete' })]);
    expect(model.byId.get(a.id)?.status).toBe(401);
    expect(model.apply([upsert({ ...a, revision: a.revision + 1, status: 500 })])).toBe(false);
    expect(model.byId.get(a.id)?.status).toBe(401);
    expect(model.order).toEqual([a.id, b.id]);
  });

  it('keeps the filtered view current as rows arrive and change, in order', () => {
    const model = new TimelineModel();
    model.setQuery('status:4xx');
    const a = row({ status: undefined, state: 'pending' });
    const b = row({ status: 404 });
    model.apply([upsert(a), upsert(b)]);
    expect(model.visible).toEqual([b.id]);
    model.apply([upsert({ ...a, revision: a.revision + 100, status: 401 })]); // a now passes and goes before b
    expect(model.visible).toEqual([a.id, b.id]);
    model.setQuery('');
    expect(model.visible).toHaveLength(2);
  });

  it('follows connection merges and forgets everything on clear', () => {
    const model = new TimelineModel();
    const dcr = row({ phase: 'registration', connectionId: 'client:1' });
    const init = row({ connectionId: 'session:9' });
    model.apply([upsert(dcr), upsert(init), { type: 'connection-merged', from: 'session:9', into: 'client:1' }]);
    expect(model.connection('client:1').map((r) => r.id)).toEqual([dcr.id, init.id]);
    expect(model.connections()).toHaveLength(1);
    model.apply([{ type: 'cleared' }]);
    expect(model.order).toEqual([]);
    expect(model.visible).toEqual([]);
  });

  it('merges a list fetched while events flowed without losing newer rows or order', () => {
    const model = new TimelineModel();
    const early = row();
    const live = row();
    model.apply([upsert({ ...live, revision: live.revision + 50, status: 500 })]);
    model.mergeList([early, live]);
    expect(model.order).toEqual([early.id, live.id]);
    expect(model.byId.get(live.id)?.status).toBe(500);
  });

  it('survives a bad event in a batch and applies the rest', () => {
    const model = new TimelineModel();
    const errors: unknown[] = [];
    const good = row();
    model.apply([{ type: 'exchange', exchange: null as never }, upsert(good)], (err) => errors.push(err));
    expect(errors).toHaveLength(1);
    expect(model.order).toEqual([good.id]);
  });
});

describe('frame batcher', () => {
  it('hands every event over once per scheduled frame, in order', () => {
    const frames: Array<() => void> = [];
    const flushed: number[][] = [];
    const batcher = new FrameBatcher<number>((items) => flushed.push(items), (run) => {
      frames.push(run);
      return () => undefined;
    });
    batcher.push([1, 2]);
    batcher.push([3]);
    expect(frames).toHaveLength(1); // one frame for both pushes
    frames[0]!();
    batcher.push([4]);
    frames[1]!();
    expect(flushed).toEqual([[1, 2, 3], [4]]);
  });
});
