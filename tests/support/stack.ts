import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Stack, type StackOptions } from '@counterwatch/demo';

/** A fresh stack in a temporary directory; removed by `cleanup()` unless KEEP_TEST_DIRS is set. */
export async function testStack(
  name: string,
  options: Omit<StackOptions, 'dir'> = {},
): Promise<{ stack: Stack; cleanup: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cw-${name}-`));
  const stack = await Stack.create({ dir, departments: 1, countersPerDepartment: 3, ...options });
  return {
    stack,
    cleanup: async () => {
      await stack.stop();
      if (!process.env.KEEP_TEST_DIRS) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
