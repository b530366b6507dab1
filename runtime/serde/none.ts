// The NONE format, and any format over zero columns (a keyless stream's key): nothing is
// written, and whatever bytes arrive are ignored, as ksqlDB's KsqlVoidSerde does.

import { SerdeError, type RowSerde } from './serde.js';

export const voidSerde: RowSerde = {
  serialize(row) {
    if (row !== null && row.length !== 0) {
      throw new SerdeError(`Column count mismatch on serialization. expected: 0, got: ${row.length}`);
    }
    return null;
  },
  deserialize(bytes) {
    return bytes === null ? null : [];
  },
};
