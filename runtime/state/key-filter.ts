// A Bloom filter over string keys: "certainly absent" or "maybe present". A state store keeps
// the keys it has written in one, so that once its cache no longer holds every entry, a key
// it never wrote (a new group, a new window) is still known to be absent without asking
// SQLite, which costs a few microseconds a time (Nexmark q5 misses on ~200,000 new windows).

/** 2^24 bits (2 MB): at 2,000,000 keys and 3 probes, about 3% false positives. */
const BITS_LOG2 = 24;
const MASK = (1 << BITS_LOG2) - 1;
const PROBES = 3;

export class KeyFilter {
  private readonly bits = new Uint8Array(1 << (BITS_LOG2 - 3));
  private count = 0;

  /** Past this many keys the filter would answer "maybe" too often to be worth asking. */
  static readonly CAPACITY = 2_000_000;

  /** False once the filter holds more keys than it can usefully tell apart. */
  get useful(): boolean {
    return this.count <= KeyFilter.CAPACITY;
  }

  add(key: string): void {
    this.count++;
    hash(key);
    let h1 = H1;
    const h2 = H2;
    for (let i = 0; i < PROBES; i++) {
      const bit = h1 & MASK;
      this.bits[bit >>> 3]! |= 1 << (bit & 7);
      h1 = (h1 + h2) | 0;
    }
  }

  mayContain(key: string): boolean {
    hash(key);
    let h1 = H1;
    const h2 = H2;
    for (let i = 0; i < PROBES; i++) {
      const bit = h1 & MASK;
      if ((this.bits[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
      h1 = (h1 + h2) | 0;
    }
    return true;
  }
}

// hash()'s results: module variables rather than a returned pair, so a lookup allocates nothing.
let H1 = 0;
let H2 = 0;

/** Two 32-bit FNV-1a variants in one pass (double hashing derives the probes from them). */
function hash(key: string): void {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  H1 = a >>> 0;
  // An odd step visits distinct bits for every probe.
  H2 = (b ^ (b >>> 15)) | 1;
}
