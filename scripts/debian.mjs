// Debian packages, for bootstrap and the Docker proof alike. Node builtins only: this runs before `npm install`.
import { spawnSync } from 'node:child_process';

/** The packages dpkg does not list as installed. */
export function missingPackages(packages) {
  return packages.filter((pkg) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

/** `apt-get update` then `apt-get install -y`, as root (non-interactive); throws on failure. */
export function installPackages(packages) {
  if (process.getuid?.() !== 0) {
    throw new Error(`run as root, or install them first: sudo apt-get install -y ${packages.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', ...packages]]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.error) throw result.error;
    if (result.status !== 0)
      throw new Error(`apt-get ${args[0]} exited with ${result.status ?? result.signal}`);
  }
}
