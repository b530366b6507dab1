// DOUBLE as JSON text: the fast path for plainly printed magnitudes must print what Java's
// Double.toString (javaDoubleToString) prints, digit for digit.

import { describe, expect, it } from 'vitest';
import { javaDoubleToString } from '../../planner/values/java-text.js';
import { plainDoubleText } from '../../runtime/serde/json-write.js';

describe('plainDoubleText', () => {
  it('agrees with javaDoubleToString across magnitudes, signs and edges', () => {
    const values = [0, -0, 1, -1, 5, 0.1, 0.001, 0.000999, 1e-3, 9_999_999.999, 1e7, 1e7 - 1, 123.456, 2 / 3, 1e21, 1e-7, Number.MIN_VALUE, Number.MAX_VALUE];
    // A deterministic spread of magnitudes and digit counts (no Math.random: failures must reproduce).
    let x = 0.5;
    for (let i = 0; i < 20_000; i++) {
      x = (x * 9301 + 49297) % 233280;
      const exp = Math.floor((x / 233280) * 16) - 5;
      values.push(((x / 233280) * 10 ** exp) * (i % 2 === 0 ? 1 : -1), Math.round(x) * 10 ** (exp - 3));
    }
    for (const v of values) expect(plainDoubleText(v)).toBe(javaDoubleToString(v));
  });
});
