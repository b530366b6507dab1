// Loads ksqlDB's REST query-validation tests (RQTT). A case is a QTT case (same `format` /
// `config` expansion, same skip rules, see ../loader.ts) plus the expected REST responses,
// the expected error, and the conditions on when inputs are produced and how rows compare.
// Case ids carry the directory (`rest-query-validation-tests/insert-values.json: name`), so
// they never collide with QTT ids in the shared baseline.

import { basename, dirname, resolve } from 'node:path';
import { DEFAULT_CONFORMANCE_DIR, expandTest, isObject, loadTests, type CaseFile, type QttCase } from '../loader.js';

export const REST_DIR_NAME = 'rest-query-validation-tests';

export const DEFAULT_REST_CONFORMANCE_DIR = resolve(dirname(DEFAULT_CONFORMANCE_DIR), REST_DIR_NAME);

/** Whether a directory holds RQTT files (it is named like ksqlDB's). */
export function isRestDir(dir: string): boolean {
  return basename(resolve(dir)) === REST_DIR_NAME;
}

/** `{type, message, status}`: ksqlDB's error class, a substring of its message, the HTTP status. */
export interface ExpectedError {
  readonly type: string | undefined;
  readonly message: string | undefined;
  readonly status: number | undefined;
}

/** One expected response: `{"admin": {...}}`, `{"query": [...]}` or `{"queryProto": [...]}`. */
export type ExpectedResponse = Readonly<Record<string, unknown>>;

export interface RqttCase extends QttCase {
  /** In statement order; there may be fewer than statements (the rest are not checked). */
  readonly responses: readonly ExpectedResponse[];
  readonly expectedError: ExpectedError | undefined;
  /** Produce the inputs only once the (single) query has started, not before the queries. */
  readonly waitForActivePushQuery: boolean;
  /** Compare query rows in order; by default they compare as a multiset. */
  readonly verifyOrder: boolean;
}

export function loadRestCaseFile(path: string): CaseFile<RqttCase> {
  return loadTests(path, `${basename(dirname(resolve(path)))}/${basename(path)}`, expandRestTest);
}

export function expandRestTest(file: string, raw: Readonly<Record<string, unknown>>): RqttCase[] {
  const responses = (Array.isArray(raw['responses']) ? raw['responses'] : []).filter(isObject);
  const ee = raw['expectedError'];
  const expectedError: ExpectedError | undefined = isObject(ee)
    ? {
        type: typeof ee['type'] === 'string' ? ee['type'] : undefined,
        message: typeof ee['message'] === 'string' ? ee['message'] : undefined,
        status: ee['status'] === undefined || ee['status'] === null ? undefined : Number(ee['status']),
      }
    : undefined;
  const input = isObject(raw['inputConditions']) ? raw['inputConditions'] : {};
  const output = isObject(raw['outputConditions']) ? raw['outputConditions'] : {};
  // Rows ksqlDB serialises as PROTOBUF (`/query-stream` with a protobuf Accept header) need that
  // format's wire encoding, which Sluice doesn't have: skipped, and counted, like a format.
  const protoResponses = raw['testPullWithProtoFormat'] === true || responses.some((r) => 'queryProto' in r);
  return expandTest(file, raw).map((c) => ({
    ...c,
    responses,
    expectedError,
    waitForActivePushQuery: input['waitForActivePushQuery'] === true,
    verifyOrder: output['verifyOrder'] === true,
    skip: c.skip ?? (protoResponses ? 'format PROTOBUF (query responses)' : undefined),
  }));
}
