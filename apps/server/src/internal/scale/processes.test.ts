import { describe, expect, it } from 'vitest';
import { processesFromEnv, processShareEnv } from './processes.js';
import { coreShare } from './sizing.js';

describe('SERVER_PROCESSES', () => {
  it('is auto by default (one per 4 cores: one process up to 7 cores), or a number', () => {
    expect(processesFromEnv({}, 16)).toBe(4);
    expect(processesFromEnv({}, 7)).toBe(1);
    expect(processesFromEnv({ SERVER_PROCESSES: '1' }, 16)).toBe(1);
    expect(processesFromEnv({ SERVER_PROCESSES: '3' }, 16)).toBe(3);
    expect(processesFromEnv({ SERVER_PROCESSES: 'auto' }, 16)).toBe(4);
    expect(processesFromEnv({ SERVER_PROCESSES: 'auto' }, 2)).toBe(1);
    expect(() => processesFromEnv({ SERVER_PROCESSES: '0' }, 16)).toThrow(/integer >= 1 or auto/);
  });

  it('gives each process its share of the cores and memory, keeping what the user set', () => {
    const GiB = 2 ** 30;
    // 16 cores, 64 GiB, 4 processes: each as a 4-core, 16 GiB server
    expect(processShareEnv(4, {}, 16, 64 * GiB)).toEqual({
      ORT_CORES: '4',
      MODEL_CONCURRENCY: '8',
      MAX_DECODED_PIXELS: String(Math.floor((16 * GiB) / 96)),
    });
    // the budget still holds one largest image, whichever limit the user set for it
    expect(processShareEnv(4, {}, 16, 8 * GiB).MAX_DECODED_PIXELS).toBe('100000000');
    expect(processShareEnv(4, { MAX_IMAGE_PIXELS: '30000000' }, 16, 8 * GiB).MAX_DECODED_PIXELS).toBe(
      '30000000',
    );
    const set = { ORT_CORES: '2', MODEL_CONCURRENCY: '3', MAX_DECODED_PIXELS: '5' };
    expect(processShareEnv(4, set, 16, 64 * GiB)).toEqual(set);
    // more processes than cores: one core each
    expect(processShareEnv(4, {}, 2, 64 * GiB).ORT_CORES).toBe('1');
  });

  it('sizes sessions to ORT_CORES: that many cores and the same fraction of the memory', () => {
    const GiB = 2 ** 30;
    expect(coreShare(undefined, 16, 64 * GiB)).toEqual({});
    expect(coreShare(4, 16, 64 * GiB)).toEqual({ cores: 4, memoryBytes: 16 * GiB });
    expect(coreShare(32, 16, 64 * GiB)).toEqual({ cores: 32, memoryBytes: 64 * GiB });
    expect(() => coreShare(0, 16, 64 * GiB)).toThrow(/ORT_CORES/);
  });
});
