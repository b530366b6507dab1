// Short constructors for the parameter patterns of planner/functions.ts, so that the
// function catalogue files read like signatures: `[ARRAY_OF(T), T]` rather than nested
// object literals.

import type { ParamType } from '../../planner/functions.js';
import {
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  INT,
  STRING,
  TIME,
  TIMESTAMP,
  formatType,
  type SqlType,
} from '../../planner/types.js';

export function P(type: SqlType): ParamType {
  return { kind: 'SQL', type };
}

export const P_BOOLEAN = P(BOOLEAN);
export const P_INT = P(INT);
export const P_BIGINT = P(BIGINT);
export const P_DOUBLE = P(DOUBLE);
export const P_STRING = P(STRING);
export const P_BYTES = P(BYTES);
export const P_DATE = P(DATE);
export const P_TIME = P(TIME);
export const P_TIMESTAMP = P(TIMESTAMP);
export const ANY_DECIMAL: ParamType = { kind: 'ANY_DECIMAL' };
export const ANY_STRUCT: ParamType = { kind: 'ANY_STRUCT' };
export const INTERVAL_UNIT: ParamType = { kind: 'INTERVAL_UNIT' };

export function GENERIC(name: string): ParamType {
  return { kind: 'GENERIC', name };
}
export const T = GENERIC('T');
export const K = GENERIC('K');
export const V = GENERIC('V');
export const S = GENERIC('S');

export function ARRAY_OF(element: ParamType): ParamType {
  return { kind: 'ARRAY_OF', element };
}
export function MAP_OF(key: ParamType, value: ParamType): ParamType {
  return { kind: 'MAP_OF', key, value };
}
export function LAMBDA(params: readonly ParamType[], returns: ParamType): ParamType {
  return { kind: 'LAMBDA', params, returns };
}

/** How a signature is printed in error messages and DESCRIBE FUNCTION: `ARRAY<T>`, `DECIMAL`. */
export function formatParam(p: ParamType): string {
  switch (p.kind) {
    case 'SQL':
      return formatType(p.type);
    case 'GENERIC':
      return p.name;
    case 'ARRAY_OF':
      return `ARRAY<${formatParam(p.element)}>`;
    case 'MAP_OF':
      return `MAP<${formatParam(p.key)}, ${formatParam(p.value)}>`;
    case 'ANY_STRUCT':
      return 'STRUCT';
    case 'ANY_DECIMAL':
      return 'DECIMAL';
    case 'LAMBDA':
      return `LAMBDA(${p.params.map(formatParam).join(', ')}) => ${formatParam(p.returns)}`;
    case 'INTERVAL_UNIT':
      return 'INTERVALUNIT';
  }
}

/** Whether a pattern mentions any generic (ksqlDB ranks overloads with fewer generics first). */
export function hasGenerics(p: ParamType): boolean {
  switch (p.kind) {
    case 'GENERIC':
      return true;
    case 'ARRAY_OF':
      return hasGenerics(p.element);
    case 'MAP_OF':
      return hasGenerics(p.key) || hasGenerics(p.value);
    case 'LAMBDA':
      return p.params.some(hasGenerics) || hasGenerics(p.returns);
    case 'SQL':
    case 'ANY_STRUCT':
    case 'ANY_DECIMAL':
    case 'INTERVAL_UNIT':
      return false;
  }
}
