// Serialisation format names and options as the planner validates them (WITH properties).
// runtime/serde implements them.

export type FormatName =
  | 'KAFKA'
  | 'JSON'
  | 'DELIMITED'
  | 'NONE'
  | 'AVRO'
  | 'PROTOBUF'
  | 'PROTOBUF_NOSR'
  | 'JSON_SR';

export const FORMAT_NAMES: readonly FormatName[] = [
  'KAFKA',
  'JSON',
  'DELIMITED',
  'NONE',
  'AVRO',
  'PROTOBUF',
  'PROTOBUF_NOSR',
  'JSON_SR',
];

/** Formats that need a schema registry; Sluice reports them as unsupported. */
export const UNSUPPORTED_FORMATS: ReadonlySet<FormatName> = new Set(['AVRO', 'PROTOBUF', 'PROTOBUF_NOSR', 'JSON_SR']);

export interface FormatOptions {
  /** DELIMITED: the delimiter (VALUE_DELIMITER / KEY_DELIMITER), default ','. 'TAB' and 'SPACE' are named. */
  readonly delimiter?: string;
  /**
   * Values only: whether a single-column value is wrapped in an object/record (JSON) — the
   * WRAP_SINGLE_VALUE property. Keys are always unwrapped when they have one column.
   */
  readonly wrapSingleValue?: boolean;
}
