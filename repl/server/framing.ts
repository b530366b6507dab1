// The two shapes ksqlDB's newer endpoints (/query-stream, /inserts-stream) stream JSON
// elements in, chosen by the Accept header:
//   - application/vnd.ksqlapi.delimited.v1 (the default): one element a line;
//   - application/json: all of them as one JSON array.

import { accepts, JSON_TYPE, type Exchange } from './exchange.js';

export const DELIMITED_TYPE = 'application/vnd.ksqlapi.delimited.v1';

export interface Framing {
  readonly contentType: string;
  first(element: string): string;
  next(element: string): string;
  readonly last: string;
  /** The whole body when there are no elements at all. */
  readonly empty: string;
}

const DELIMITED: Framing = { contentType: DELIMITED_TYPE, first: (e) => `${e}\n`, next: (e) => `${e}\n`, last: '', empty: '' };
const JSON_ARRAY: Framing = { contentType: JSON_TYPE, first: (e) => `[${e}`, next: (e) => `,${e}`, last: ']', empty: '[]' };

/** JSON only when asked for and the delimited type is not also acceptable. */
export function framingFor(ex: Exchange): Framing {
  return accepts(ex, JSON_TYPE) && !accepts(ex, DELIMITED_TYPE) ? JSON_ARRAY : DELIMITED;
}

/** Writes elements in a framing, remembering whether the first one is out. */
export class FramedWriter {
  private started = false;

  constructor(
    private readonly ex: Exchange,
    readonly framing: Framing,
  ) {}

  write(element: string): Promise<void> {
    const text = this.started ? this.framing.next(element) : this.framing.first(element);
    this.started = true;
    return this.ex.write(text);
  }

  end(): void {
    this.ex.end(this.started ? this.framing.last : this.framing.empty);
  }
}
