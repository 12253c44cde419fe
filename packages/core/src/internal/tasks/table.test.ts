import { describe, expect, it } from 'vitest';
import { TASKS } from '../manifest/validate.js';
import { TASK_TABLE } from './table.js';

describe('the task table', () => {
  it('has one row, with run, result and annotate, for every task a manifest may name', () => {
    expect(Object.keys(TASK_TABLE).sort()).toEqual([...TASKS].sort());
    for (const row of Object.values(TASK_TABLE)) {
      expect(typeof row.run).toBe('function');
      expect(typeof row.result).toBe('function');
      expect(typeof row.annotate).toBe('function');
    }
  });
});
