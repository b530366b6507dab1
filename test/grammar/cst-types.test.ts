import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { cstTypesPath, cstTypesSource } from '../../grammar/generate-cst-types.js';

describe('grammar/cst-types.ts', () => {
  it('matches the parser (regenerate with `npx tsx grammar/generate-cst-types.ts`)', () => {
    expect(readFileSync(cstTypesPath, 'utf8')).toBe(cstTypesSource());
  });
});
