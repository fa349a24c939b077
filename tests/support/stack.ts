import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Stack, type StackOptions } from '@counterwatch/demo';
import { MID_MORNING, clockAt, type TestClock } from './clock.js';

/**
 * A fresh stack in a temporary directory; removed by `cleanup()` unless
 * KEEP_TEST_DIRS is set. Its clock reads 10:30 Vietnam time unless the test
 * pins another (`clock`): tests must pass whatever the hour CI runs at, so
 * they stamp their events with `clock.now()`, never the machine's time.
 */
export async function testStack(
  name: string,
  options: Omit<StackOptions, 'dir' | 'clockOffsetMs'> & { clock?: TestClock } = {},
): Promise<{ stack: Stack; cleanup: () => Promise<void>; clock: TestClock }> {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), `cw-${name}-`));
  // Under a dot-folder, as the demo's `.demo/`: any data directory must work (file senders refuse
  // dot-segments by default).
  const dir = path.join(parent, '.stack');
  fs.mkdirSync(dir);
  const { clock = clockAt(MID_MORNING), ...rest } = options;
  const stack = await Stack.create({
    dir,
    departments: 1,
    countersPerDepartment: 3,
    ...rest,
    clockOffsetMs: clock.offsetMs,
  });
  return {
    stack,
    clock,
    cleanup: async () => {
      await stack.stop();
      if (!process.env.KEEP_TEST_DIRS) fs.rmSync(parent, { recursive: true, force: true });
    },
  };
}
