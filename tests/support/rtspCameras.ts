import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@counterwatch/demo';

/** The open mounts of rtsp_server.py: one per kind of camera. */
export const OPEN_CAMERAS = ['h264', 'h264-aac', 'h265-pcmu', 'mjpeg-pcma', 'h264-opus'] as const;
export type OpenCamera = (typeof OPEN_CAMERAS)[number];

// Beside this file when run from source (vitest); from tests/dist/support/, tsc does not copy .py files.
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCRIPT = [path.join(HERE, 'rtsp_server.py'), path.resolve(HERE, '../../support/rtsp_server.py')].find(
  (p) => fs.existsSync(p),
);
/** Debian's python: it has the GObject bindings (a pyenv python on PATH does not). */
const PYTHON = '/usr/bin/python3';

/**
 * Real IP cameras for the tests: GStreamer's RTSP server (tests/support/rtsp_server.py)
 * in a child process, with the open cameras on one port and a camera behind
 * digest authentication on another. Stop and start it again to simulate a
 * camera that drops and returns on the same address.
 */
export class RtspCameras {
  readonly port: number;
  readonly securePort: number;
  readonly user = 'camera';
  readonly password: string;
  readonly #logFile: string;
  #child: ChildProcess | undefined;

  private constructor(options: { port: number; securePort: number; password: string; logFile: string }) {
    this.port = options.port;
    this.securePort = options.securePort;
    this.password = options.password;
    this.#logFile = options.logFile;
  }

  /** Starts the cameras on free ports; `password` protects the secure one. */
  static async start(options: { password: string; logFile: string }): Promise<RtspCameras> {
    const port = await freePort();
    let securePort = await freePort();
    while (securePort === port) securePort = await freePort();
    const cameras = new RtspCameras({ ...options, port, securePort });
    await cameras.resume();
    return cameras;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** An open camera's URL. */
  url(camera: OpenCamera): string {
    return `rtsp://127.0.0.1:${this.port}/${camera}`;
  }

  /** The clock camera: its capture time in the picture (agent/gst/clock_picture.py). */
  clockUrl(): string {
    return `rtsp://127.0.0.1:${this.port}/clock`;
  }

  /** The protected camera's URL with the given password (percent-encoded, as a URL needs it). */
  secureUrl(password: string): string {
    return `rtsp://${this.user}:${encodeURIComponent(password)}@127.0.0.1:${this.securePort}/secure`;
  }

  /**
   * (Re)starts the server on the same ports; resolves once both listen.
   * `h264Mic`: the /h264 camera comes back with a microphone (AAC).
   */
  async resume({ h264Mic = false }: { h264Mic?: boolean } = {}): Promise<void> {
    if (this.running) return;
    if (!SCRIPT) throw new Error('tests/support/rtsp_server.py not found');
    const log = fs.openSync(this.#logFile, 'a');
    // The password travels in the environment, not on the command line.
    const child = spawn(
      PYTHON,
      [
        SCRIPT,
        '--port',
        String(this.port),
        '--secure-port',
        String(this.securePort),
        ...(h264Mic ? ['--h264-mic'] : []),
      ],
      { env: { ...process.env, CW_RTSP_PASSWORD: this.password }, stdio: ['ignore', 'pipe', log] },
    );
    fs.closeSync(log);
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`RTSP server not ready in 20 s (see ${this.#logFile})`)),
        20_000,
      );
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes(`ready ${this.port} ${this.securePort}`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`RTSP server exited (${code ?? signal}) before it was ready (see ${this.#logFile})`),
        );
      });
    });
  }

  /** Stops the server (every camera drops); resolves once it has exited. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
