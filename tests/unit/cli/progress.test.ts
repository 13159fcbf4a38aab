import { describe, expect, it } from 'vitest';
import { formatDuration, ProgressLine, type ProgressStream } from '../../../cli/lib/progress.ts';

function stream(isTTY: boolean): ProgressStream & { text: string } {
  const s = {
    text: '',
    isTTY,
    columns: 40,
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s;
}

describe('ProgressLine', () => {
  it('rewrites one line with \\r on a terminal, throttled, and clears it', () => {
    let now = 0;
    const s = stream(true);
    const p = new ProgressLine(s, { now: () => now, redrawMs: 100 });
    p.update('1/3');
    now = 50;
    p.update('2/3'); // throttled
    now = 200;
    p.update('3/3');
    p.clear();
    expect(s.text).toBe('\r1/3\x1b[K\r3/3\x1b[K\r\x1b[K');
  });

  it('prints notes above the progress line and truncates to the terminal width', () => {
    const s = stream(true);
    const p = new ProgressLine(s, { now: () => 0 });
    p.update('x'.repeat(60));
    p.log('note');
    expect(s.text).toBe(`\r${'x'.repeat(38)}…\x1b[K\r\x1b[Knote\n${'x'.repeat(38)}…`);
  });

  it('prints plain lines without a terminal: milestones and at most one per interval', () => {
    let now = 0;
    const s = stream(false);
    const p = new ProgressLine(s, { now: () => now, lineEveryMs: 5000 });
    p.update('a', true);
    now = 1000;
    p.update('b');
    now = 2000;
    p.update('c', true);
    now = 8000;
    p.update('d');
    p.log('note');
    p.clear();
    expect(s.text).toBe('a\nc\nd\nnote\n');
  });
});

describe('formatDuration', () => {
  it('uses seconds below a minute, minutes above', () => {
    expect(formatDuration(3.21)).toBe('3.2 s');
    expect(formatDuration(65)).toBe('1m 05s');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});
