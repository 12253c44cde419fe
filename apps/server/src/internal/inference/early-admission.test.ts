import { describe, expect, it } from 'vitest';
import { EarlyAdmission, scanStringMembers } from './early-admission.js';

describe('scanStringMembers', () => {
  it.each([
    ['{"model_id":"coco/3","image":{}}', ['coco/3']],
    ['{ "model_id" :\n "a/1" , "x": {"model_id": "b/2"}}', ['a/1', 'b/2']],
    ['{"name":"model_id","model_id":7}', []],
    ['{"model_id": null}', []],
    ['{"model_id": "cut', []],
    ['{"model\\u005fid": "a/1"}', undefined],
    ['{"model_id": "a/1", "s": "\\""}', undefined],
  ])('%s -> %j', (text, expected) => {
    expect(scanStringMembers(text, 'model_id')).toEqual(expected);
  });
});

describe('EarlyAdmission', () => {
  const ticket = () => {
    const t = { done: 0 };
    return {
      t,
      ticket: { slot: async () => undefined, releaseSlot: () => undefined, done: () => void t.done++ },
    };
  };

  it('hands its ticket over for the same model, and gives it back for another or on release', () => {
    const a = ticket();
    const same = new EarlyAdmission('m/1', a.ticket);
    expect(same.take('m/1')).toBe(a.ticket);
    same.release(); // taken: nothing to give back
    expect(a.t.done).toBe(0);
    const b = ticket();
    expect(new EarlyAdmission('m/1', b.ticket).take('m/2')).toBeUndefined();
    expect(b.t.done).toBe(1);
    const c = ticket();
    const dropped = new EarlyAdmission('m/1', c.ticket);
    dropped.release();
    dropped.release();
    expect(c.t.done).toBe(1);
  });
});
