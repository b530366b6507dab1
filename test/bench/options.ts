// Command-line numbers, checked: a typo must stop the run, not become NaN events.

import { DEFAULT_CONFIG, type NexmarkConfig } from './nexmark/model.js';

export function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got '${text}'`);
  return n;
}

function fraction(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`--${name} must be between 0 and 1, got '${text}'`);
  return n;
}

export function nexmarkConfig(values: {
  events?: string;
  seed?: string;
  rate?: string;
  'out-of-order'?: string;
  'max-delay-ms'?: string;
}): NexmarkConfig {
  return {
    ...DEFAULT_CONFIG,
    events: positiveInt('events', values.events ?? '100000'),
    ...(values.seed !== undefined ? { seed: positiveInt('seed', values.seed) } : {}),
    ...(values.rate !== undefined ? { eventsPerSecond: positiveInt('rate', values.rate) } : {}),
    ...(values['out-of-order'] !== undefined ? { outOfOrderShare: fraction('out-of-order', values['out-of-order']) } : {}),
    ...(values['max-delay-ms'] !== undefined ? { maxDelayMs: positiveInt('max-delay-ms', values['max-delay-ms']) } : {}),
  };
}
