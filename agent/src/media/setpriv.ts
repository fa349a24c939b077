import fs from 'node:fs';

/** `setpriv --pdeathsig` makes the kernel stop the child if the agent is killed (even with -9). */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));

/** The command and arguments that run `program args…` so it dies with the agent, where setpriv exists. */
export function withDeathSignal(program: string, args: readonly string[]): [string, string[]] {
  return SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', program, ...args]] : [program, [...args]];
}
