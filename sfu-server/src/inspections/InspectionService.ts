import fs from 'node:fs';
import path from 'node:path';
import {
  AppError,
  ChecklistSchema,
  DEFAULT_CHECKLIST,
  type ChecklistItem,
  type ChecklistResult,
  type Inspection,
  type Clock,
} from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { InspectionRecord, InspectionStore, SettingsStore } from '../storage/Storage.js';
import { renderReport } from './report.js';

const CHECKLIST_KEY = 'inspection.checklist';
/** Stills are kept while their inspection report is: the report embeds them. */
const MAX_STILL_BYTES = 600_000;

export interface InspectionServiceOptions {
  store: InspectionStore;
  settings: SettingsStore;
  stillsDir: string;
  logger: Logger;
  /** The injected clock. */
  now: Clock;
  releaseAfterMs: number;
}

/**
 * Unannounced inspections: a record opened from a live tile, a checklist,
 * notes, timestamped observations with stills from the video, and a report
 * that can be viewed, printed and exported.
 */
export class InspectionService {
  readonly #o: InspectionServiceOptions;
  readonly #logger: Logger;
  readonly #now: Clock;

  constructor(options: InspectionServiceOptions) {
    this.#o = options;
    this.#logger = options.logger.child({ module: 'inspections' });
    this.#now = options.now;
    fs.mkdirSync(options.stillsDir, { recursive: true, mode: 0o700 });
  }

  async checklist(): Promise<ChecklistItem[]> {
    const stored = ChecklistSchema.safeParse(await this.#o.settings.get(CHECKLIST_KEY));
    return stored.success ? stored.data : DEFAULT_CHECKLIST;
  }

  async setChecklist(items: ChecklistItem[]): Promise<void> {
    const ids = new Set(items.map((i) => i.id));
    if (ids.size !== items.length) throw new AppError('invalid_request', 'checklist item ids must be unique');
    await this.#o.settings.set(CHECKLIST_KEY, items);
  }

  async start(counter: { id: string; departmentId: string }, inspector: string): Promise<InspectionRecord> {
    const record = await this.#o.store.create({
      departmentId: counter.departmentId,
      counterId: counter.id,
      inspector,
      officerName: null,
      startedAt: this.#now(),
      checklist: await this.checklist(),
    });
    this.#logger.info({ inspectionId: record.id, counterId: counter.id }, 'inspection started');
    return record;
  }

  async get(id: number): Promise<InspectionRecord | undefined> {
    return this.#o.store.get(id);
  }

  list(query: { departmentIds: string[] | null; departmentId?: string; counterId?: string; limit: number }) {
    return this.#o.store.list(query);
  }

  /** "Flag this moment": a note and, if given, a JPEG still from the video. */
  async observe(inspection: InspectionRecord, note: string, still: string | undefined): Promise<number> {
    if (inspection.endedAt !== null) throw new AppError('conflict', 'the inspection has ended');
    let stillPath: string | null = null;
    if (still) {
      const bytes = Buffer.from(still.slice(still.indexOf(',') + 1), 'base64');
      if (bytes.length > MAX_STILL_BYTES) throw new AppError('message_too_large', 'the still is too large');
      if (bytes[0] !== 0xff || bytes[1] !== 0xd8)
        throw new AppError('invalid_request', 'the still is not a JPEG');
      const relative = path.join(
        String(inspection.id),
        `${this.#now()}-${Math.random().toString(36).slice(2, 8)}.jpg`,
      );
      const absolute = this.#inside(relative);
      fs.mkdirSync(path.dirname(absolute), { recursive: true, mode: 0o700 });
      fs.writeFileSync(absolute, bytes, { mode: 0o600 });
      stillPath = relative;
    }
    const observation = await this.#o.store.addObservation({
      inspectionId: inspection.id,
      at: this.#now(),
      note,
      stillPath,
    });
    return observation.id;
  }

  async end(
    inspection: InspectionRecord,
    results: Record<string, ChecklistResult>,
    notes: string,
    officerName: string | null,
  ): Promise<void> {
    if (inspection.endedAt !== null) throw new AppError('conflict', 'the inspection has already ended');
    const known = new Set(inspection.checklist.map((c) => c.id));
    const unknown = Object.keys(results).filter((k) => !known.has(k));
    if (unknown.length > 0)
      throw new AppError('invalid_request', `unknown checklist items: ${unknown.join(', ')}`);
    await this.#o.store.end(inspection.id, this.#now(), results, notes, officerName);
  }

  /** The shared view of a record, with still URLs the API serves. */
  async view(record: InspectionRecord, counterName: string): Promise<Inspection> {
    const observations = await this.#o.store.observations(record.id);
    return {
      id: record.id,
      departmentId: record.departmentId,
      counterId: record.counterId,
      counterName,
      inspector: record.inspector,
      officerName: record.officerName,
      startedAt: record.startedAt,
      endedAt: record.endedAt,
      checklist: record.checklist,
      results: record.results,
      notes: record.notes,
      observations: observations.map((o) => ({
        id: o.id,
        at: o.at,
        note: o.note,
        stillUrl: o.stillPath ? `/api/v1/inspections/${record.id}/observations/${o.id}/still` : null,
      })),
    };
  }

  /** The file of an observation's still, checked to lie inside the stills folder. */
  async stillFile(inspectionId: number, observationId: number): Promise<string> {
    const observation = (await this.#o.store.observations(inspectionId)).find((o) => o.id === observationId);
    if (!observation?.stillPath) throw new AppError('not_found', 'no such still');
    return this.#inside(observation.stillPath);
  }

  /** A standalone, printable HTML report with the stills embedded. */
  async reportHtml(view: Inspection, departmentName: string): Promise<string> {
    const stills = new Map<number, string>();
    for (const o of view.observations) {
      if (!o.stillUrl) continue;
      const file = await this.stillFile(view.id, o.id);
      stills.set(o.id, `data:image/jpeg;base64,${fs.readFileSync(file).toString('base64')}`);
    }
    return renderReport(view, departmentName, stills);
  }

  heldSpans(now: number): Promise<{ counterId: string; from: number; to: number }[]> {
    return this.#o.store.heldSpans(now, this.#o.releaseAfterMs, 60_000);
  }

  #inside(relative: string): string {
    const root = path.resolve(this.#o.stillsDir);
    const absolute = path.resolve(root, relative);
    if (!absolute.startsWith(root + path.sep)) throw new AppError('not_found', 'no such still');
    return absolute;
  }
}
