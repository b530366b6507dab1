// TypeNode (syntax) → SqlType, resolving CREATE TYPE names through the catalog.

import { assertNever, type TypeNode } from '../grammar/ast.js';
import { SemanticError } from './errors.js';
import { arrayType, decimalType, mapType, primitive, structType, type SqlType } from './types.js';

export function resolveType(node: TypeNode, customType: (name: string) => SqlType | undefined): SqlType {
  switch (node.kind) {
    case 'PrimitiveType':
      return primitive(node.name);
    case 'DecimalType':
      if (node.precision < 1 || node.precision > 1000) {
        throw new SemanticError(`DECIMAL precision must be >= 1: DECIMAL(${node.precision}, ${node.scale})`, node.span);
      }
      if (node.scale < 0 || node.scale > node.precision) {
        throw new SemanticError(
          `DECIMAL scale must be between 0 and precision: DECIMAL(${node.precision}, ${node.scale})`,
          node.span,
        );
      }
      return decimalType(node.precision, node.scale);
    case 'ArrayType':
      return arrayType(resolveType(node.element, customType));
    case 'MapType':
      return mapType(resolveType(node.key, customType), resolveType(node.value, customType));
    case 'StructType': {
      const seen = new Set<string>();
      return structType(
        node.fields.map((f) => {
          if (seen.has(f.name)) throw new SemanticError(`Duplicate field names found in STRUCT: '${f.name}'`, node.span);
          seen.add(f.name);
          return { name: f.name, type: resolveType(f.type, customType) };
        }),
      );
    }
    case 'CustomType': {
      const t = customType(node.name);
      if (!t) throw new SemanticError(`Unknown type: ${node.name}`, node.span);
      return t;
    }
    default:
      return assertNever(node);
  }
}
