// An expression failed on one record (division by zero, a string that is no number, a DECIMAL
// that needs rounding). ksqlDB logs such failures and carries on; the operator evaluating the
// expression catches this, writes the processing log and decides what the record becomes.

export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
}
