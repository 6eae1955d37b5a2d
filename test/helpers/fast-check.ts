import assert from 'node:assert/strict';
import type { z } from 'zod';

/**
 * Checks a hand-written fast validator against its zod schema: it accepts exactly the first
 * `accepted` cases, each of which the schema accepts with the same result (same JSON, key order
 * included), and declines every other case.
 */
export function assertFastAgrees<T>(fast: (x: unknown) => T | undefined, schema: z.ZodType<T, z.ZodTypeDef, unknown>, cases: unknown[], accepted: number): void {
  cases.forEach((c, i) => {
    const quick = fast(c);
    if (i >= accepted) {
      assert.equal(quick, undefined, JSON.stringify(c));
      return;
    }
    const slow = schema.safeParse(c);
    assert.ok(quick !== undefined && slow.success, JSON.stringify(c));
    assert.equal(JSON.stringify(quick), JSON.stringify(slow.data));
  });
}
