import { describe, expect, it } from 'vitest';
import { INT, STRING } from '../../planner/types.js';
import { createSerde, windowedKeySerde } from '../../runtime/serde/index.js';
import { SerdeError } from '../../runtime/serde/serde.js';

const kafkaString = createSerde('KAFKA', [{ name: 'K', type: STRING }], {}, 'key');

describe('windowed keys', () => {
  it('time windows: key bytes then the 8-byte big-endian start; end is start + size', () => {
    const s = windowedKeySerde(kafkaString, 'TUMBLING', 30_000);
    const bytes = s.serialize(['a', 60_000n, 90_000n])!;
    expect(bytes.toString('hex')).toBe('61' + '000000000000ea60');
    expect(s.deserialize(bytes)).toEqual(['a', 60_000n, 90_000n]);
  });

  it('session windows: key bytes, then end, then start (SessionKeySchema)', () => {
    const s = windowedKeySerde(kafkaString, 'SESSION');
    const bytes = s.serialize(['a', 10, 20])!;
    expect(bytes.toString('hex')).toBe('61' + '0000000000000014' + '000000000000000a');
    expect(s.deserialize(bytes)).toEqual(['a', 10n, 20n]);
  });

  it('wraps any inner key format, multi-column keys included', () => {
    const inner = createSerde('JSON', [{ name: 'K1', type: INT }, { name: 'K2', type: STRING }], {}, 'key');
    const s = windowedKeySerde(inner, 'HOPPING', 1000);
    const bytes = s.serialize([1, 'x', 5000, 6000])!;
    expect(bytes.subarray(0, bytes.length - 8).toString()).toBe('{"K1":1,"K2":"x"}');
    expect(s.deserialize(bytes)).toEqual([1, 'x', 5000n, 6000n]);
  });

  it('keeps a window with a null key, and passes null rows through', () => {
    const s = windowedKeySerde(kafkaString, 'SESSION');
    expect(s.serialize([null, 1, 2])!.length).toBe(16);
    expect(s.serialize(null)).toBeNull();
    expect(s.deserialize(null)).toBeNull();
  });

  it('rejects records too short to hold the window', () => {
    expect(() => windowedKeySerde(kafkaString, 'TUMBLING', 10).deserialize(Buffer.alloc(7))).toThrow(SerdeError);
    expect(() => windowedKeySerde(kafkaString, 'SESSION').deserialize(Buffer.alloc(15))).toThrow(SerdeError);
  });

  it('needs a window size for time windows', () => {
    expect(() => windowedKeySerde(kafkaString, 'TUMBLING')).toThrow(SerdeError);
  });
});
