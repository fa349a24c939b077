import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Clock, Interaction } from '@counterwatch/shared';
import type { Actor, AuditLog } from '../audit/AuditLog.js';
import type { StoredQueueEvent } from '../storage/Storage.js';
import { writeTar } from '../util/tar.js';

/** A clip of a counter's recording over a span (from the recorder). */
export interface Clip {
  path: string;
  container: 'webm' | 'mkv';
  from: number;
  to: number;
}

/** What the evidence needs from recording: a clip of a counter's span. */
export interface ClipSource {
  clip(counterId: string, from: number, to: number): Promise<Clip>;
}

export interface InteractionEvidenceOptions {
  audit: AuditLog;
  clips: ClipSource;
  /** The queue events of the interaction's ticket, for the export. */
  ticketEvents: (departmentId: string, ticketId: string) => Promise<StoredQueueEvent[]>;
  /** Where export files are written (private to the server). */
  exportsDir: string;
  now: Clock;
}

/**
 * An interaction's recording, played back or exported: each time on record
 * (who, which interaction, which span) before anything is handed out. The
 * caller has already checked the interaction is in the actor's scope.
 */
export class InteractionEvidence {
  readonly #audit: AuditLog;
  readonly #clips: ClipSource;
  readonly #ticketEvents: InteractionEvidenceOptions['ticketEvents'];
  readonly #exportsDir: string;
  readonly #now: Clock;

  constructor(options: InteractionEvidenceOptions) {
    this.#audit = options.audit;
    this.#clips = options.clips;
    this.#ticketEvents = options.ticketEvents;
    this.#exportsDir = options.exportsDir;
    this.#now = options.now;
  }

  get exportsDir(): string {
    return this.#exportsDir;
  }

  /** The interaction's clip, once its playback is on record. */
  async playback(interaction: Interaction, actor: Actor): Promise<Clip> {
    const clip = await this.#clips.clip(interaction.counterId, interaction.clipFrom, interaction.clipTo);
    await this.#record('recording.playback', interaction, clip, actor);
    return clip;
  }

  /**
   * Clip + interaction + event log + SHA-256 manifest in one tar file, once the export is on record.
   * Returns the file's name in the exports directory and the name to offer for download.
   */
  async export(interaction: Interaction, actor: Actor): Promise<{ file: string; downloadName: string }> {
    const clip = await this.#clips.clip(interaction.counterId, interaction.clipFrom, interaction.clipTo);
    const events = await this.#ticketEvents(interaction.departmentId, interaction.ticketId);
    await this.#record('recording.export', interaction, clip, actor);
    const base = `interaction-${interaction.id}`;
    const files: { name: string; data?: Buffer; file?: string }[] = [
      { name: `${base}/clip.${clip.container}`, file: clip.path },
      { name: `${base}/interaction.json`, data: Buffer.from(JSON.stringify(interaction, null, 2)) },
      {
        name: `${base}/events.json`,
        data: Buffer.from(
          JSON.stringify(
            events.map((e) => ({ ...e.event, receivedAt: e.receivedAt })),
            null,
            2,
          ),
        ),
      },
    ];
    const hashes: string[] = [];
    for (const f of files) {
      // The clip is hashed as a stream: reading a long recording whole would block the event loop.
      const hash = f.data ? sha256(f.data) : await sha256File(f.file ?? '');
      hashes.push(`${hash}  ${f.name.slice(base.length + 1)}`);
    }
    const manifest = hashes.join('\n');
    files.push({ name: `${base}/MANIFEST.sha256`, data: Buffer.from(`${manifest}\n`) });
    fs.mkdirSync(this.#exportsDir, { recursive: true, mode: 0o700 });
    const exportedAt = this.#now();
    const target = path.join(this.#exportsDir, `${base}-${exportedAt}.tar`);
    await writeTar(target, files, exportedAt);
    return { file: path.basename(target), downloadName: `${base}.tar` };
  }

  async #record(
    action: 'recording.playback' | 'recording.export',
    interaction: Interaction,
    clip: Clip,
    actor: Actor,
  ): Promise<void> {
    await this.#audit.record({
      action,
      actor,
      departmentId: interaction.departmentId,
      counterId: interaction.counterId,
      objectType: 'interaction',
      objectId: interaction.id,
      details: { from: clip.from, to: clip.to },
    });
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
