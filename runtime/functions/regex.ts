// Java regular expressions on top of JavaScript's. The common syntax is shared; we translate
// what differs and matters in practice: leading inline flags such as (?i), the \A \z \Z
// anchors, Java's replacement syntax ($1, ${name}, backslash escapes) and String.split's
// treatment of empty pieces.

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 256;

/** Compiles a Java pattern as a global JS RegExp (cached; patterns usually repeat per record). */
export function javaRegex(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) {
    re.lastIndex = 0;
    return re;
  }
  let src = pattern;
  let flags = 'g';
  const inline = /^\(\?([imsx]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const f of inline[1]!) {
      if (f === 'x') src = src.replace(/\s+|#.*$/gm, '');
      else if (!flags.includes(f)) flags += f;
    }
  }
  src = src.replace(/\\A/g, '^').replace(/\\[zZ]/g, '$');
  try {
    re = new RegExp(src, flags);
  } catch (e) {
    throw new SyntaxError(`Invalid regular expression '${pattern}': ${(e as Error).message}`);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, re);
  return re;
}

/** Turns a Java replacement string (`$1`, `${name}`, `\$`) into the JS form (`$1`, `$<name>`, `$$`). */
export function javaReplacement(replacement: string): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\') {
      const next = replacement[++i];
      if (next === undefined) throw new SyntaxError('character to be escaped is missing');
      out += next === '$' ? '$$' : next;
    } else if (c === '$') {
      const named = /^\{([A-Za-z][A-Za-z0-9]*)\}/.exec(replacement.slice(i + 1));
      if (named) {
        out += `$<${named[1]}>`;
        i += named[0].length;
      } else if (/[0-9]/.test(replacement[i + 1] ?? '')) {
        out += '$';
      } else {
        throw new SyntaxError(`Illegal group reference in replacement '${replacement}'`);
      }
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * Pattern.split(input, -1): trailing empty strings are kept, and a zero-width match at the
 * start never yields a leading empty string. Capture groups are not spliced into the result
 * (as JS's String.split would).
 */
export function javaSplit(input: string, re: RegExp): string[] {
  const out: string[] = [];
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(input); m; m = re.exec(input)) {
    if (m[0].length === 0) {
      if (m.index >= input.length) break;
      if (m.index === 0) {
        re.lastIndex++;
        continue;
      }
    }
    out.push(input.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[0].length === 0) re.lastIndex++;
  }
  out.push(input.slice(last));
  return out;
}
