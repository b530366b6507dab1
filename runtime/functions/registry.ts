// The function registry: every scalar, aggregate and table function by upper-case name. The
// engine hands it to the planner as its `FunctionCatalog`; the planner resolves calls against it
// and the expression compiler builds implementations from the resolved overloads.

import {
  FunctionResolutionError,
  type AggregateOverload,
  type ArgShape,
  type FunctionCatalog,
  type FunctionDef,
  type ResolvedCall,
  type ScalarOverload,
  type TableFunctionOverload,
} from '../../planner/functions.js';
import { resolveOverload } from './resolve.js';
import { aggregateFunctions } from './aggregates/index.js';
import { arrayFunctions } from './array.js';
import { bytesFunctions } from './bytes.js';
import { datetimeFunctions } from './datetime.js';
import { jsonFunctions } from './json.js';
import { lambdaFunctions } from './lambda.js';
import { mapFunctions } from './map.js';
import { mathFunctions } from './math.js';
import { nullFunctions } from './nulls.js';
import { otherFunctions } from './other.js';
import { stringFunctions } from './string.js';
import { tableFunctions } from './table.js';
import { urlFunctions } from './url.js';

const KIND_NAMES = { scalar: 'scalar', aggregate: 'aggregate', table: 'table' } as const;

export class FunctionRegistry implements FunctionCatalog {
  private readonly byName = new Map<string, FunctionDef>();

  register(def: FunctionDef): void {
    const name = def.name.toUpperCase();
    if (this.byName.has(name)) throw new Error(`function ${name} is already registered`);
    this.byName.set(name, def);
  }

  lookup(name: string): FunctionDef | undefined {
    return this.byName.get(name.toUpperCase());
  }

  list(): readonly FunctionDef[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  resolveScalar(name: string, args: readonly ArgShape[]): ResolvedCall<ScalarOverload> {
    const fn = this.find(name, 'scalar');
    return resolveOverload(fn, (fn as Extract<FunctionDef, { kind: 'scalar' }>).overloads, args);
  }

  resolveAggregate(name: string, args: readonly ArgShape[]): ResolvedCall<AggregateOverload> {
    const fn = this.find(name, 'aggregate');
    return resolveOverload(fn, (fn as Extract<FunctionDef, { kind: 'aggregate' }>).overloads, args);
  }

  resolveTable(name: string, args: readonly ArgShape[]): ResolvedCall<TableFunctionOverload> {
    const fn = this.find(name, 'table');
    return resolveOverload(fn, (fn as Extract<FunctionDef, { kind: 'table' }>).overloads, args);
  }

  private find(name: string, kind: FunctionDef['kind']): FunctionDef {
    const fn = this.lookup(name);
    if (!fn) throw new FunctionResolutionError(`Can't find any functions with the name '${name.toUpperCase()}'`);
    if (fn.kind !== kind) {
      throw new FunctionResolutionError(
        `Function '${fn.name.toLowerCase()}' is a ${KIND_NAMES[fn.kind]} function and cannot be used as a ${KIND_NAMES[kind]} function`,
      );
    }
    return fn;
  }
}

/** A registry holding every built-in function. */
export function createDefaultRegistry(): FunctionRegistry {
  const registry = new FunctionRegistry();
  for (const def of [
    ...stringFunctions,
    ...mathFunctions,
    ...nullFunctions,
    ...datetimeFunctions,
    ...jsonFunctions,
    ...arrayFunctions,
    ...mapFunctions,
    ...lambdaFunctions,
    ...urlFunctions,
    ...bytesFunctions,
    ...otherFunctions,
    ...tableFunctions,
    ...aggregateFunctions,
  ]) {
    registry.register(def);
  }
  return registry;
}

let shared: FunctionRegistry | undefined;

/** The built-in registry, built once per process (functions are stateless definitions). */
export function defaultRegistry(): FunctionRegistry {
  return (shared ??= createDefaultRegistry());
}
