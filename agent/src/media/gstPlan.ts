import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RenditionSpec, VideoCodec } from '@counterwatch/shared';
import type { EncoderLaunch } from './FfmpegSupervisor.js';
import { PlanError, type SendTarget } from './ffmpegArgs.js';
import type { AudioSource, VideoSource } from './sources.js';

/**
 * The GStreamer publisher (agent/gst/gst_publisher.py), shipped in the agent
 * package beside dist/: from dist/media/ or src/media/ alike.
 */
export const GST_PUBLISHER_SCRIPT = fileURLToPath(new URL('../../gst/gst_publisher.py', import.meta.url));

/** Debian's python: it has the GObject bindings (a pyenv python on PATH does not). */
export const DEFAULT_PYTHON = '/usr/bin/python3';

/**
 * Whether this machine can run the GStreamer publisher: python with the
 * GObject bindings and every element the script uses. Run once at start.
 */
export function gstreamerAvailable(
  pythonPath: string,
  env?: NodeJS.ProcessEnv,
): { ok: boolean; why: string } {
  if (!fs.existsSync(GST_PUBLISHER_SCRIPT)) return { ok: false, why: 'the publisher script is missing' };
  const check = spawnSync(pythonPath, [GST_PUBLISHER_SCRIPT, '--check'], {
    encoding: 'utf8',
    timeout: 20_000,
    env: env ?? process.env,
  });
  if (check.error) return { ok: false, why: check.error.message };
  if (check.status !== 0) {
    const said = check.stderr.trim().split('\n').at(-1)?.slice(0, 200) ?? '';
    return { ok: false, why: said || `exit ${check.status ?? check.signal ?? '?'}` };
  }
  return { ok: true, why: '' };
}

export interface GstPlan {
  video: VideoSource;
  audio: AudioSource;
  codec: VideoCodec;
  renditions: { grid: RenditionSpec; focus: RenditionSpec };
  audioBitrateKbps: number;
  keyframeIntervalSeconds: number;
  targets: { grid: SendTarget; focus: SendTarget; audio: SendTarget | null };
  /** The counter's name on the test picture (printed as is, never parsed); null for none. */
  caption: string | null;
}

const HOST = /^[A-Za-z0-9.:[\]-]+$/;

/**
 * One start of the GStreamer publisher: the script on the command line, the
 * whole plan (with the SRTP keys, ours and the SFU's, and an IP camera's URL
 * with its password) on stdin.
 */
export function buildGstLaunch(plan: GstPlan): EncoderLaunch {
  if (plan.targets.audio && plan.audio.kind === 'none')
    throw new PlanError('an audio target was requested but --audio is none');
  const target = (t: SendTarget) => {
    if (!HOST.test(t.host)) throw new PlanError(`ingest host has unsafe characters: ${t.host}`);
    return {
      host: t.host.replace(/^\[|\]$/g, ''),
      port: t.port,
      rtcpPort: t.rtcpPort,
      ssrc: t.ssrc,
      payloadType: t.payloadType,
      key: t.key,
      sfuKey: t.sfuKey ?? null,
    };
  };
  const spec = ({ width, height, fps, bitrateKbps }: RenditionSpec) => ({ width, height, fps, bitrateKbps });
  const document = {
    video: plan.video,
    audio: plan.targets.audio ? plan.audio : { kind: 'none' },
    codec: plan.codec,
    renditions: { focus: spec(plan.renditions.focus), grid: spec(plan.renditions.grid) },
    audioBitrateKbps: plan.audioBitrateKbps,
    keyframeIntervalSeconds: plan.keyframeIntervalSeconds,
    caption: plan.video.kind === 'test' || plan.video.kind === 'clock' ? plan.caption : null,
    targets: {
      focus: target(plan.targets.focus),
      grid: target(plan.targets.grid),
      audio: plan.targets.audio ? target(plan.targets.audio) : null,
    },
  };
  return { args: [GST_PUBLISHER_SCRIPT], stdin: `${JSON.stringify(document)}\n` };
}
