// The interactive REPL. What has been shown (statements as typed, results, errors, rows) goes
// into <Static>, printed once above the live part: the prompt, or a running push query's row
// counter. Keys go through the state machine (machine.ts); this component carries out its
// effects against the session.

import { Static, Text, useApp, useInput } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import { assertNever } from '../../grammar/ast.js';
import type { PushStream, ResultView } from '../client/backend.js';
import type { Output, Session } from '../client/session.js';
import { parseClientCommand } from '../commands.js';
import { streamFooter, streamHeader, streamRow, type OutputMode } from '../format-result.js';
import { Printer, type Channel } from '../printer.js';
import { candidates, KEYWORDS } from './completion.js';
import { appendHistory } from './history.js';
import { initialState, press, resume, withMode, type Effect, type ReplState } from './machine.js';
import { echo, Prompt } from './prompt.js';

export interface AppProps {
  readonly session: Session;
  readonly output: OutputMode;
  /** Earlier sessions' statements, oldest first. */
  readonly history: readonly string[];
  /** Where new statements are appended; undefined keeps no history. */
  readonly historyFile: string | undefined;
  readonly banner?: string;
  /** Called once the user leaves (EXIT, Ctrl-D, Ctrl-C at an empty prompt). */
  readonly onExit?: () => void;
}

interface Item {
  readonly id: number;
  readonly text: string;
  readonly channel: Channel;
}

/** Rows arriving faster than this are shown in batches, so a fast stream doesn't re-render per row. */
const ROW_BATCH_MS = 50;

export function App(props: AppProps): React.JSX.Element {
  const { exit } = useApp();
  const [items, setItems] = useState<readonly Item[]>(() => (props.banner ? [{ id: 0, text: props.banner, channel: 'info' }] : []));
  const [state, setState] = useState<ReplState>(() => initialState(props.history));
  const [rows, setRows] = useState(0);
  // Key handlers read these rather than the render's closure: keys can arrive faster than renders.
  const stateRef = useRef(state);
  const wordsRef = useRef<readonly string[]>(KEYWORDS);
  const streamRef = useRef<{ stream: PushStream; stopped: boolean } | undefined>(undefined);
  const nextId = useRef(1);

  const printer = useMemo(
    () =>
      new Printer((text, channel) => {
        const id = nextId.current++;
        setItems((prev) => [...prev, { id, text, channel }]);
      }, props.output),
    // One printer for the app's life: it holds the output mode and the spool file.
    [],
  );

  const update = (s: ReplState): void => {
    stateRef.current = s;
    setState(s);
  };

  const refreshWords = (): void => {
    props.session.backend.catalog().then(
      (c) => (wordsRef.current = candidates(c)),
      () => undefined,
    );
  };
  useEffect(refreshWords, []);

  const output: Output = {
    results: (views: readonly ResultView[]) => printer.views(views),
    stream: async (stream: PushStream) => {
      const running = { stream, stopped: false };
      streamRef.current = running;
      update(withMode(stateRef.current, 'streaming'));
      setRows(0);
      const mode = printer.mode;
      const header = streamHeader(stream.columns, stream.lines, mode);
      if (header !== undefined) printer.print(header);
      let count = 0;
      let pending: string[] = [];
      let timer: NodeJS.Timeout | undefined;
      const flush = (): void => {
        timer = undefined;
        if (pending.length > 0) printer.print(pending.join('\n'));
        pending = [];
        setRows(count);
      };
      try {
        for await (const row of stream) {
          count++;
          pending.push(streamRow(row, stream.columns, stream.lines, mode));
          timer ??= setTimeout(flush, ROW_BATCH_MS);
        }
      } finally {
        clearTimeout(timer);
        flush();
        streamRef.current = undefined;
        update(withMode(stateRef.current, 'busy'));
      }
      const footer = streamFooter(stream.columns, stream.lines, mode, count, running.stopped);
      if (footer !== undefined) printer.print(footer, 'info');
    },
  };

  const leave = (): void => {
    exit();
    props.onExit?.();
  };

  const run = async (text: string): Promise<void> => {
    printer.print(echo(text), 'echo');
    if (text.trim() !== '' && props.historyFile !== undefined) appendHistory(props.historyFile, text.trim());
    const cmd = parseClientCommand(text);
    if (cmd) {
      if (printer.command(cmd)) return leave();
    } else if (text.trim() !== '') {
      try {
        await props.session.run(text, output);
      } catch (e) {
        printer.error(e);
      }
      refreshWords();
    }
    const step = resume(stateRef.current, wordsRef.current);
    update(step.state);
    for (const effect of step.effects) carryOut(effect);
  };

  const carryOut = (effect: Effect): void => {
    switch (effect.kind) {
      case 'run':
        void run(effect.text);
        return;
      case 'stop': {
        const running = streamRef.current;
        if (running && !running.stopped) {
          running.stopped = true;
          void running.stream.close();
        }
        return;
      }
      case 'exit':
        return leave();
      case 'cancel':
        printer.print(echo(effect.text) + '^C', 'echo');
        return;
      default:
        return assertNever(effect, 'effect');
    }
  };

  useInput((input, key) => {
    const step = press(stateRef.current, { input, key }, wordsRef.current);
    if (step.state !== stateRef.current) update(step.state);
    for (const effect of step.effects) carryOut(effect);
  });

  return (
    <>
      <Static items={items as Item[]}>
        {(item) => (
          <Text key={item.id} color={item.channel === 'error' ? 'red' : undefined} dimColor={item.channel === 'info'}>
            {item.text}
          </Text>
        )}
      </Static>
      {state.mode === 'edit' && <Prompt editor={state.editor} />}
      {state.mode === 'edit' && state.choices.length > 0 && <Text dimColor>{state.choices.join('  ')}</Text>}
      {state.mode === 'streaming' && <Text color="cyan">{`${rows} row(s) so far · Ctrl-C stops the query`}</Text>}
    </>
  );
}
