// Finds ksqlDB's query-validation test files and turns each test into runnable cases: the
// `format` and `config` matrices are expanded the way ksqlDB's harness expands them, and
// cases Sluice cannot run yet are marked skipped with a reason that the CLI counts.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UNSUPPORTED_FORMATS, type FormatName } from '../../planner/formats.js';
import { parseJsonExact } from '../../runtime/serde/json-exact.js';

export interface QttWindow {
  readonly start: number;
  readonly end: number;
  readonly type: 'time' | 'session';
}

export interface QttHeader {
  readonly KEY: string;
  /** Base64, or null for a header without a value. */
  readonly VALUE: string | null;
}

/** A record as the test file writes it; values are parseJsonExact values (big integers stay exact). */
export interface QttRecord {
  readonly topic: string;
  /** Absent in the file means a null key, as in ksqlDB's harness. */
  readonly key: unknown;
  readonly value: unknown;
  readonly timestamp: number | undefined;
  readonly window: QttWindow | undefined;
  readonly headers: readonly QttHeader[] | undefined;
}

export interface QttTopic {
  readonly name: string;
  readonly partitions: number | undefined;
  readonly keyFormat: string | undefined;
  readonly valueFormat: string | undefined;
}

export interface QttPostSource {
  readonly name: string;
  readonly type: string;
  readonly schema: string | undefined;
  readonly keyFormat: string | undefined;
  readonly valueFormat: string | undefined;
  readonly isSource: boolean | undefined;
}

export interface QttPostTopic {
  readonly name: string;
  readonly partitions: number | undefined;
  readonly keyFormat: string | undefined;
  readonly valueFormat: string | undefined;
}

export interface QttPost {
  readonly sources: readonly QttPostSource[];
  readonly topics: readonly QttPostTopic[];
  /** No topic whose whole name matches this regex may exist (e.g. `.*-repartition`). */
  readonly blacklist: string | undefined;
}

export interface QttCase {
  /** `file.json: case name` (with ` #2`, ` #3` for repeated names): the baseline key. */
  readonly id: string;
  readonly file: string;
  readonly name: string;
  readonly statements: readonly string[];
  readonly properties: Readonly<Record<string, string>>;
  readonly topics: readonly QttTopic[];
  readonly inputs: readonly QttRecord[];
  readonly outputs: readonly QttRecord[];
  readonly expectedException: { readonly type: string | undefined; readonly message: string | undefined } | undefined;
  readonly post: QttPost | undefined;
  /** Why the case is not run (`disabled`, `format AVRO`), or undefined. */
  readonly skip: string | undefined;
}

export interface CaseFile<C = QttCase> {
  readonly file: string;
  readonly cases: readonly C[];
  /** Set when the file could not be read or parsed; it then has no cases. */
  readonly error: string | undefined;
}

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const DEFAULT_CONFORMANCE_DIR = resolve(PROJECT_ROOT, '../shared/conformance/ksqldb/query-validation-tests');

/** The single line callers print when the shared test data is absent. */
export const MISSING_CONFORMANCE_MESSAGE = 'conformance: ../shared/conformance not found, skipping';

export function conformanceAvailable(dirs: readonly string[] = [DEFAULT_CONFORMANCE_DIR]): boolean {
  return dirs.every((d) => existsSync(d));
}

/** Every `*.json` in the directories, sorted by file name within each directory. */
export function listCaseFiles(dirs: readonly string[]): string[] {
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => join(dir, f)),
  );
}

export function loadCaseFile(path: string): CaseFile {
  return loadTests(path, basename(path), expandTest);
}

/**
 * The cases of one test file, each test expanded by `expand`; `file` names the file in case
 * ids (`file: case name`).
 */
export function loadTests<C extends { readonly id: string }>(
  path: string,
  file: string,
  expand: (file: string, raw: Readonly<Record<string, unknown>>) => C[],
): CaseFile<C> {
  let doc: unknown;
  try {
    doc = parseJsonExact(readFileSync(path, 'utf8'));
  } catch (e) {
    return { file, cases: [], error: `cannot parse: ${(e as Error).message}` };
  }
  const tests = isObject(doc) ? doc['tests'] : undefined;
  if (!Array.isArray(tests)) return { file, cases: [], error: 'no "tests" array' };
  const cases: C[] = [];
  const seen = new Map<string, number>();
  for (const raw of tests) {
    if (!isObject(raw)) continue;
    for (const c of expand(file, raw)) {
      // ksqlDB tolerates repeated names in one file; baseline ids must stay unique.
      const n = (seen.get(c.id) ?? 0) + 1;
      seen.set(c.id, n);
      cases.push(n === 1 ? c : { ...c, id: `${c.id} #${n}` });
    }
  }
  return { file, cases, error: undefined };
}

/**
 * One case per entry of `format` × `config` (either may be absent), named like ksqlDB does:
 * `name - FORMAT`, `name - CONFIG`, `name - FORMAT - CONFIG`.
 */
export function expandTest(file: string, raw: Readonly<Record<string, unknown>>): QttCase[] {
  const name = String(raw['name'] ?? '');
  const formats = stringList(raw['format']);
  const configs = stringList(raw['config']);
  const cases: QttCase[] = [];
  for (const format of formats.length > 0 ? formats : [undefined]) {
    for (const config of configs.length > 0 ? configs : [undefined]) {
      const caseName = [name, format, config].filter((p) => p !== undefined).join(' - ');
      cases.push(buildCase(file, caseName, raw, format, config));
    }
  }
  return cases;
}

function buildCase(
  file: string,
  name: string,
  raw: Readonly<Record<string, unknown>>,
  format: string | undefined,
  config: string | undefined,
): QttCase {
  const statements = stringList(raw['statements']).map((s) =>
    format === undefined ? s : s.split('{FORMAT}').join(format),
  );
  const properties: Record<string, string> = {};
  if (isObject(raw['properties'])) {
    for (const [k, v] of Object.entries(raw['properties'])) {
      const text = scalarText(v);
      properties[k] = config !== undefined && text === '{CONFIG}' ? config : text;
    }
  }
  const topics = (Array.isArray(raw['topics']) ? raw['topics'] : []).filter(isObject).map(
    (t): QttTopic => ({
      name: String(t['name'] ?? ''),
      partitions: optionalNumber(t['partitions']),
      keyFormat: formatName(t['keyFormat']) ?? formatName(t['format']),
      valueFormat: formatName(t['valueFormat']) ?? formatName(t['format']),
    }),
  );
  const ee = raw['expectedException'];
  const base = {
    id: `${file}: ${name}`,
    file,
    name,
    statements,
    properties,
    topics,
    inputs: records(raw['inputs']),
    outputs: records(raw['outputs']),
    expectedException: isObject(ee)
      ? { type: optionalString(ee['type']), message: optionalString(ee['message']) }
      : undefined,
    post: isObject(raw['post']) ? post(raw['post']) : undefined,
  };
  const skip = raw['enabled'] === false ? 'disabled' : unsupportedFormatReason(statements, properties, topics);
  return { ...base, skip };
}

// `FORMAT='AVRO'`, `value_format = "PROTOBUF"`, `KEY_FORMAT='JSON_SR'` inside WITH clauses.
const FORMAT_PROPERTY = /\b(?:KEY_FORMAT|VALUE_FORMAT|FORMAT)\s*=\s*['"]([A-Za-z_]+)['"]/gi;
// Session/config defaults that pick a format when a statement names none.
const DEFAULT_FORMAT_PROPERTIES = ['ksql.persistence.default.format.key', 'ksql.persistence.default.format.value'];

/** `format AVRO` when the case needs a format Sluice doesn't support, in order of appearance. */
export function unsupportedFormatReason(
  statements: readonly string[],
  properties: Readonly<Record<string, string>>,
  topics: readonly QttTopic[],
): string | undefined {
  const named: string[] = [];
  for (const s of statements) for (const m of s.matchAll(FORMAT_PROPERTY)) named.push(m[1]!.toUpperCase());
  for (const p of DEFAULT_FORMAT_PROPERTIES) if (properties[p] !== undefined) named.push(properties[p]!.toUpperCase());
  for (const t of topics) {
    if (t.keyFormat !== undefined) named.push(t.keyFormat);
    if (t.valueFormat !== undefined) named.push(t.valueFormat);
  }
  const unsupported = named.find((f) => UNSUPPORTED_FORMATS.has(f as FormatName));
  return unsupported === undefined ? undefined : `format ${unsupported}`;
}

function post(raw: Readonly<Record<string, unknown>>): QttPost {
  const sources = (Array.isArray(raw['sources']) ? raw['sources'] : []).filter(isObject).map(
    (s): QttPostSource => ({
      name: String(s['name'] ?? ''),
      type: String(s['type'] ?? ''),
      schema: optionalString(s['schema']),
      keyFormat: formatName(s['keyFormat']),
      valueFormat: formatName(s['valueFormat']),
      isSource: typeof s['isSource'] === 'boolean' ? s['isSource'] : undefined,
    }),
  );
  const topicsNode = isObject(raw['topics']) ? raw['topics'] : undefined;
  const topics = (topicsNode && Array.isArray(topicsNode['topics']) ? topicsNode['topics'] : []).filter(isObject).map(
    (t): QttPostTopic => ({
      name: String(t['name'] ?? ''),
      partitions: optionalNumber(t['partitions']),
      keyFormat: formatName(t['keyFormat']),
      valueFormat: formatName(t['valueFormat']),
    }),
  );
  return { sources, topics, blacklist: topicsNode ? optionalString(topicsNode['blacklist']) : undefined };
}

function records(raw: unknown): QttRecord[] {
  return (Array.isArray(raw) ? raw : []).filter(isObject).map((r) => ({
    topic: String(r['topic'] ?? ''),
    key: r['key'] === undefined ? null : r['key'],
    value: r['value'] === undefined ? null : r['value'],
    timestamp: optionalNumber(r['timestamp']),
    window: window(r['window']),
    headers: Array.isArray(r['headers'])
      ? r['headers'].filter(isObject).map((h) => ({
          KEY: String(h['KEY'] ?? ''),
          VALUE: typeof h['VALUE'] === 'string' ? h['VALUE'] : null,
        }))
      : undefined,
  }));
}

function window(raw: unknown): QttWindow | undefined {
  if (!isObject(raw)) return undefined;
  return {
    start: optionalNumber(raw['start']) ?? 0,
    end: optionalNumber(raw['end']) ?? 0,
    type: String(raw['type'] ?? '').toLowerCase() === 'session' ? 'session' : 'time',
  };
}

/** `"AVRO"` or `{"format": "AVRO", ...}` → `AVRO`. */
function formatName(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw.toUpperCase();
  if (isObject(raw) && typeof raw['format'] === 'string') return raw['format'].toUpperCase();
  return undefined;
}

function stringList(raw: unknown): string[] {
  return Array.isArray(raw) ? raw.map((x) => scalarText(x)) : [];
}

function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return String(v);
}

function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Numbers in the files may come back from parseJsonExact as number, bigint or Decimal. */
function optionalNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && 'toString' in v) {
    const n = Number(String(v));
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A plain JSON object (not an array, Map, Buffer or Decimal). */
export function isObject(v: unknown): v is Readonly<Record<string, unknown>> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
