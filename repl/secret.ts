// A password from the user: typed at a terminal without echo, or the first line of piped stdin
// (so `echo secret | sluice user add NAME --auth F` works in scripts).

import type { ReadStream } from 'node:tty';

export async function readSecret(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Promise<string> {
  if (!input.isTTY) {
    let text = '';
    for await (const chunk of input) text += String(chunk);
    return text.split(/\r?\n/)[0] ?? '';
  }
  const tty = input as ReadStream;
  output.write(prompt);
  tty.setRawMode(true);
  tty.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let secret = '';
      const onData = (chunk: string): void => {
        for (const c of chunk) {
          if (c === '\r' || c === '\n' || c === '\u0004') {
            tty.off('data', onData);
            return resolve(secret);
          }
          if (c === '\u0003') {
            tty.off('data', onData);
            return reject(new Error('cancelled'));
          }
          if (c === '\u007f' || c === '\b') secret = secret.slice(0, -1);
          else if (c >= ' ') secret += c;
        }
      };
      tty.on('data', onData);
      tty.resume();
    });
  } finally {
    tty.setRawMode(false);
    tty.pause();
    output.write('\n');
  }
}
