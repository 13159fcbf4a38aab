import { describe, expect, it } from 'vitest';
import { HiddenTabPause } from '../../../src/app/hiddenTabPause.ts';

describe('HiddenTabPause', () => {
  it('pauses the source while the tab is hidden and says for how long when it is shown', () => {
    const paused: boolean[] = [];
    const notices: string[] = [];
    let clock = 1000;
    const pause = new HiddenTabPause(() => ({ setPaused: (p) => paused.push(p) }), { notice: (code, m) => notices.push(`${code}: ${m}`) }, () => clock);
    pause.update(false); // shown without having been hidden: nothing to say
    pause.update(true);
    clock = 3550;
    pause.update(false);
    expect(paused).toEqual([false, true, false]);
    expect(notices).toEqual(['paused-hidden: inference paused for 2.5 s while the tab was hidden']);
  });
});
