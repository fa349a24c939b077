import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { parseArgs } from 'node:util';
import {
  AgentEnrollResponseSchema,
  EnrolmentCodeSchema,
  ErrorBodySchema,
  type AgentEnrollResponse,
  type Clock,
} from '@counterwatch/shared';
import { AgentConfigError } from './config.js';
import { defaultCredentialsFile, writeCredentials } from './credentials.js';

export const ENROLL_USAGE = `usage: counterwatch-agent enroll --server URL --code CODE [options]

  Exchanges the one-time enrolment code shown in the console (Quản trị → Danh bạ → the counter →
  "Mã đăng ký máy quầy") for this counter's agent token, and keeps it in the credentials file;
  then run "counterwatch-agent" with no --counter or --token-file.

  --server URL          CounterWatch server, e.g. https://counterwatch.example.vn
  --code CODE           the code from the console (ABCD-EFGH-JKLM; 15 minutes, once)
  --credentials FILE    where to keep them (default $XDG_CONFIG_HOME/counterwatch-agent/credentials.json)
  --ca-file PATH        extra CA certificate(s) to trust for the server
`;

export interface EnrollOptions {
  serverUrl: URL;
  code: string;
  credentialsFile: string;
  caFile: string | undefined;
}

export function parseEnrollArgs(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
): EnrollOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        server: { type: 'string' },
        code: { type: 'string' },
        credentials: { type: 'string' },
        'ca-file': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new AgentConfigError(`${(error as Error).message}\n\n${ENROLL_USAGE}`);
  }
  if (values.help) throw new AgentConfigError(ENROLL_USAGE);
  if (!values.server) throw new AgentConfigError(`--server is required\n\n${ENROLL_USAGE}`);
  let serverUrl: URL;
  try {
    serverUrl = new URL(values.server);
  } catch {
    throw new AgentConfigError(`--server ${values.server}: not a URL`);
  }
  if (serverUrl.protocol !== 'http:' && serverUrl.protocol !== 'https:') {
    throw new AgentConfigError('--server must be an http:// or https:// URL');
  }
  const code = EnrolmentCodeSchema.safeParse(values.code ?? '');
  if (!code.success) {
    throw new AgentConfigError('--code: the 12-character enrolment code from the console (ABCD-EFGH-JKLM)');
  }
  return {
    serverUrl,
    code: code.data,
    credentialsFile: values.credentials ?? defaultCredentialsFile(env),
    caFile: values['ca-file'],
  };
}

export class EnrollRefused extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'EnrollRefused';
  }
}

/** POST /api/v1/agent/enroll with node's http(s), so --ca-file works as for the media link. */
function post(url: URL, body: unknown, ca: Buffer | undefined): Promise<{ status: number; text: string }> {
  const payload = Buffer.from(JSON.stringify(body));
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': payload.length },
        ...(ca ? { ca } : {}),
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('the server did not answer within 30 s')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Redeems the code and writes the credentials file; returns what the server said (the token included). */
export async function enroll(options: EnrollOptions, now: Clock): Promise<AgentEnrollResponse> {
  const ca = options.caFile ? fs.readFileSync(options.caFile) : undefined;
  const url = new URL('/api/v1/agent/enroll', options.serverUrl);
  const { status, text } = await post(url, { code: options.code }, ca);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EnrollRefused(`the server answered ${status} without JSON`, status);
  }
  if (status !== 200) {
    const error = ErrorBodySchema.safeParse((json as { error?: unknown }).error);
    throw new EnrollRefused(error.success ? error.data.message : `the server answered ${status}`, status);
  }
  const enrolled = AgentEnrollResponseSchema.parse(json);
  writeCredentials(options.credentialsFile, {
    server: options.serverUrl.origin,
    counterId: enrolled.counterId,
    departmentId: enrolled.departmentId,
    token: enrolled.token,
    enrolledAt: new Date(now()).toISOString(),
  });
  return enrolled;
}
