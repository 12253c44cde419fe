import { describe, expect, it } from 'vitest';
import { processesFromEnv } from './processes.js';

describe('SERVER_PROCESSES', () => {
  it('is 1 by default, a number, or auto (one per 4 cores)', () => {
    expect(processesFromEnv({}, 16)).toBe(1);
    expect(processesFromEnv({ SERVER_PROCESSES: '3' }, 16)).toBe(3);
    expect(processesFromEnv({ SERVER_PROCESSES: 'auto' }, 16)).toBe(4);
    expect(processesFromEnv({ SERVER_PROCESSES: 'auto' }, 2)).toBe(1);
    expect(() => processesFromEnv({ SERVER_PROCESSES: '0' }, 16)).toThrow(/integer >= 1 or auto/);
  });
});
