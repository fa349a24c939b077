import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * The quick check of the deployment files, by reading them: valid instructions, sources that
 * exist, entry points the build produces, and only settings the server actually reads.
 * docker/prove.mjs (`npm run test:docker`) builds the images and runs them in a Docker engine.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const INSTRUCTIONS = new Set([
  'FROM',
  'RUN',
  'CMD',
  'LABEL',
  'EXPOSE',
  'ENV',
  'ADD',
  'COPY',
  'ENTRYPOINT',
  'VOLUME',
  'USER',
  'WORKDIR',
  'ARG',
  'ONBUILD',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'SHELL',
]);
const serverConfigSource = fs.readFileSync(path.join(root, 'sfu-server/src/config.ts'), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

function parseDockerfile(file: string): Instruction[] {
  const text = fs.readFileSync(file, 'utf8');
  const instructions: Instruction[] = [];
  let current = '';
  let startLine = 0;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trimEnd();
    if (current === '' && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    if (current === '') startLine = i + 1;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    const m = /^\s*([A-Za-z]+)\s+(.*)$/s.exec(current);
    if (!m) throw new Error(`${file}:${startLine}: not an instruction: ${current}`);
    instructions.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: startLine });
    current = '';
  }
  if (current !== '') throw new Error(`${file}: dangling line continuation`);
  return instructions;
}

describe.each(['server.Dockerfile', 'agent.Dockerfile', 'lib/postgres.Dockerfile'])('docker/%s', (name) => {
  const file = path.join(root, 'docker', name);
  const instructions = parseDockerfile(file);

  it('has only known instructions, starting with FROM', () => {
    expect(instructions[0]?.keyword).toBe('FROM');
    for (const i of instructions)
      expect(INSTRUCTIONS.has(i.keyword), `line ${i.line}: ${i.keyword}`).toBe(true);
  });

  it('copies only files that exist in the repository', () => {
    for (const i of instructions.filter((x) => x.keyword === 'COPY' && !x.args.startsWith('--from'))) {
      const parts = i.args.split(/\s+/);
      for (const source of parts.slice(0, -1)) {
        if (source === '.') continue;
        expect(fs.existsSync(path.join(root, source)), `line ${i.line}: ${source}`).toBe(true);
      }
    }
  });

  it('runs an entry point the build produces and exec-form commands', () => {
    const run = instructions.filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
    expect(run.length).toBeGreaterThan(0);
    for (const i of run) {
      const argv = z.array(z.string()).parse(JSON.parse(i.args));
      const script = argv.find((a) => a.endsWith('.js'));
      if (script) {
        const source = path.join(root, script.replace('/dist/', '/src/').replace(/\.js$/, '.ts'));
        expect(fs.existsSync(source), script).toBe(true);
      }
    }
  });

  it('sets only server settings that exist', () => {
    for (const i of instructions.filter((x) => x.keyword === 'ENV')) {
      for (const m of i.args.matchAll(/\b(CW_[A-Z_]+)=/g))
        expect(serverConfigSource, m[1]).toContain(`'${m[1]}'`);
    }
  });
});

describe('docker/compose.yaml', () => {
  const Compose = z.object({
    version: z.string(),
    services: z.record(
      z.string(),
      z
        .object({
          image: z.string(),
          build: z.object({ context: z.string(), dockerfile: z.string() }),
          // mediasoup's port ranges and announced address: see the file's header.
          network_mode: z.literal('host'),
          environment: z.record(z.string(), z.string()).optional(),
          volumes: z.array(z.string()).optional(),
          command: z.array(z.string()).optional(),
          depends_on: z.array(z.string()).optional(),
          restart: z.string().optional(),
          secrets: z.array(z.string()).optional(),
        })
        .strict(),
    ),
    volumes: z.record(z.string(), z.object({})).optional(),
    secrets: z.record(z.string(), z.object({ file: z.string() })).optional(),
  });
  // Merge keys (`<<: *server`): docker-compose 1.29 reads YAML 1.1, which has them.
  const compose = Compose.parse(
    parseYaml(fs.readFileSync(path.join(root, 'docker/compose.yaml'), 'utf8'), { merge: true }),
  );

  it('builds every service from a Dockerfile in the repository', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      const context = path.resolve(root, 'docker', service.build.context);
      expect(fs.existsSync(path.join(context, service.build.dockerfile)), name).toBe(true);
    }
  });

  it('configures the servers only with settings they read, and requires the ones without defaults', () => {
    const servers = Object.entries(compose.services).filter(([, s]) => s.image === 'counterwatch-server');
    expect(servers.map(([name]) => name)).toEqual(['control', 'media-1', 'media-2']);
    for (const [name, service] of servers) {
      const env = service.environment ?? {};
      for (const key of Object.keys(env)) expect(serverConfigSource, `${name} ${key}`).toContain(`'${key}'`);
      expect(env.CW_DATABASE_URL, name).toMatch(/^postgres:\/\//);
    }
    const control = compose.services.control?.environment ?? {};
    expect(control.CW_ROLE).toBe('control');
    expect(control.CW_PUBLIC_URL).toMatch(/:\?/);
    expect(control.CW_MEDIA_ANNOUNCED_IP).toMatch(/:\?/);
    // Each media node its own name, URL and ports: they share the host's network.
    const media = ['media-1', 'media-2'].map((n) => compose.services[n]?.environment ?? {});
    expect(media.map((e) => e.CW_ROLE)).toEqual(['media', 'media']);
    for (const key of [
      'CW_NODE_NAME',
      'CW_NODE_URL',
      'CW_HTTP_PORT',
      'CW_WEBRTC_PORT',
      'CW_RTC_MIN_PORT',
      'CW_RECORDER_PORTS',
    ])
      expect(new Set([control[key], ...media.map((e) => e[key])]).size, key).toBe(3);
  });

  it('passes the agent only flags it knows', () => {
    const agentConfig = fs.readFileSync(path.join(root, 'agent/src/config.ts'), 'utf8');
    for (const arg of compose.services['agent-demo']?.command ?? []) {
      if (!arg.startsWith('--')) continue;
      const option = new RegExp(`(?:'${arg.slice(2)}'|\\b${arg.slice(2)}): \\{ type:`);
      expect(agentConfig, arg).toMatch(option);
    }
  });
});
