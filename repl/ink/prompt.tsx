// The prompt: `sluice> ` on the first line of the statement, `      > ` on the lines after it,
// and the cursor drawn as an inverse cell (ink hides the terminal's own cursor).

import { Box, Text } from 'ink';
import { layout, type Editor } from './editor.js';

export const PROMPT = 'sluice> ';
/** As wide as PROMPT, so continued lines line up under the first. */
export const CONTINUATION = '      > ';

/** Typed text as it shows in the transcript once run: each line behind its prompt. */
export function echo(text: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? PROMPT : CONTINUATION) + line)
    .join('\n');
}

export function Prompt({ editor }: { readonly editor: Editor }): React.JSX.Element {
  const { lines, row, column } = layout(editor);
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => {
        const prefix = i === 0 ? PROMPT : CONTINUATION;
        if (i !== row) return <Text key={i}>{prefix + line}</Text>;
        return (
          <Text key={i}>
            {prefix + line.slice(0, column)}
            <Text inverse>{line[column] ?? ' '}</Text>
            {line.slice(column + 1)}
          </Text>
        );
      })}
    </Box>
  );
}
