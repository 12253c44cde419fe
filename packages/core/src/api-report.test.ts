import { describe, expect, it } from 'vitest';
import { apiReport, checkedInReport } from '../../../testing/api-report.js';

// A change of the public surface must show up as a diff of api-report.txt:
// after a deliberate change, run `npx tsx testing/api-report.ts --write packages/core`.
describe('public API', () => {
  it('is the checked-in api-report.txt', () => {
    expect(apiReport('packages/core')).toBe(checkedInReport('packages/core'));
  });
});
