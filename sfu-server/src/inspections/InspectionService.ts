import fs from 'node:fs';
import path from 'node:path';
import {
  AppError,
  ChecklistSchema,
  DEFAULT_CHECKLIST,
  type ChecklistItem,
  type ChecklistResult,
  type Inspection,
  type InspectionDraft,
  type InspectionDraftResponse,
  type OfficerRef,
  type Clock,
} from '@counterwatch/shared';
import type { Actor, AuditLog } from '../audit/AuditLog.js';
import type { Logger } from '../logger.js';
import type { InspectionRecord, InspectionStore, SettingsStore } from '../storage/Storage.js';
import {
  assertKnownItems,
  assertOwnDraft,
  decodeStill,
  ownsInspection,
  stillPathInside,
} from './inspectionChecks.js';
import {
  automaticEnd,
  draftResponse,
  inspectionTarget,
  inspectionView,
  maxMinutes,
} from './inspectionRecords.js';
import { renderReport } from './report.js';

const CHECKLIST_KEY = 'inspection.checklist';
/** setTimeout's longest delay; a later deadline is re-armed when it fires. */
const MAX_TIMER_MS = 2_147_483_647;

/** Who ends an inspection left open. */
const SYSTEM: Actor = { userId: null, username: 'system', ip: null };

export interface InspectionServiceOptions {
  store: InspectionStore;
  settings: SettingsStore;
  audit: AuditLog;
  stillsDir: string;
  logger: Logger;
  /** The injected clock. */
  now: Clock;
  releaseAfterMs: number;
  /** The officer signed in at the counter's panel now, if any. */
  officerOnDuty: (counterId: string) => Promise<OfficerRef | null>;
  /** An inspection still open this long is ended automatically (it holds its counter's recording). */
  maxDurationMs: number;
}

/**
 * Unannounced inspections: a record opened from a live tile, a checklist,
 * notes, timestamped observations with stills from the video, and a report
 * that can be viewed, printed and exported. Every step — viewing a still or
 * the report included — is on record before it happens; an inspection left
 * open ends by itself at the maximum duration, on record as the system.
 */
export class InspectionService {
  readonly #o: InspectionServiceOptions;
  readonly #logger: Logger;
  readonly #now: Clock;
  readonly #timers = new Map<number, ReturnType<typeof setTimeout>>();
  /** Starts and ends one at a time: an id is reserved, and an inspection ends once. */
  #serial: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: InspectionServiceOptions) {
    this.#o = options;
    this.#logger = options.logger.child({ module: 'inspections' });
    this.#now = options.now;
    fs.mkdirSync(options.stillsDir, { recursive: true, mode: 0o700 });
  }

  get maxDurationMs(): number {
    return this.#o.maxDurationMs;
  }

  /** Arms the automatic end of every open inspection; ends at once those already past it (the server was down). */
  async resume(): Promise<void> {
    for (const record of await this.#o.store.listOpen()) this.#arm(record);
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  async checklist(): Promise<ChecklistItem[]> {
    const stored = ChecklistSchema.safeParse(await this.#o.settings.get(CHECKLIST_KEY));
    return stored.success ? stored.data : DEFAULT_CHECKLIST;
  }

  async setChecklist(actor: Actor, items: ChecklistItem[]): Promise<void> {
    const ids = new Set(items.map((i) => i.id));
    if (ids.size !== items.length) throw new AppError('invalid_request', 'checklist item ids must be unique');
    await this.#o.audit.record({ action: 'config.checklist', actor, details: { items: items.length } });
    await this.#o.settings.set(CHECKLIST_KEY, items);
  }

  /**
   * Opens an inspection; on record (with the id it will have) before it
   * exists. The inspector's own inspection still open at that counter is
   * resumed instead (Inspect again from another tab or browser).
   */
  async start(
    actor: Actor,
    counter: { id: string; departmentId: string },
    inspector: { id: number; username: string; displayName: string },
  ): Promise<{ record: InspectionRecord; resumed: boolean }> {
    return this.#oneAtATime(async () => {
      const open = (await this.#o.store.listOpen()).find(
        (r) => r.counterId === counter.id && ownsInspection(inspector, r),
      );
      if (open) return { record: open, resumed: true };
      const checklist = await this.checklist();
      const officer = await this.#o.officerOnDuty(counter.id);
      const id = await this.#o.store.nextId();
      const startedAt = this.#now();
      await this.#o.audit.record({
        action: 'inspection.start',
        actor,
        ...inspectionTarget({ id, departmentId: counter.departmentId, counterId: counter.id }),
        details: {
          endsBy: startedAt + this.#o.maxDurationMs,
          ...(officer ? { officerId: officer.id, officer: officer.displayName } : {}),
        },
      });
      const record = await this.#o.store.create({
        id,
        departmentId: counter.departmentId,
        counterId: counter.id,
        inspector: inspector.username,
        inspectorId: inspector.id,
        inspectorName: inspector.displayName,
        officer,
        officerName: null,
        startedAt,
        checklist,
      });
      this.#logger.info({ inspectionId: record.id, counterId: counter.id }, 'inspection started');
      this.#arm(record);
      return { record, resumed: false };
    });
  }

  async get(id: number): Promise<InspectionRecord | undefined> {
    return this.#o.store.get(id);
  }

  list(query: {
    departmentIds: string[] | null;
    departmentId?: string;
    counterId?: string;
    open?: boolean;
    limit: number;
  }) {
    return this.#o.store.list(query);
  }

  /** The inspector's own draft (see ownsInspection: no one else reads it). */
  draft(user: { id: number; username: string }, inspection: InspectionRecord): InspectionDraftResponse {
    assertOwnDraft(user, inspection);
    return draftResponse(inspection);
  }

  /**
   * Saves what has been typed so far, as it is typed. Not an audit row per
   * save (the end's row counts them and the report says so); the draft's
   * limits are the end's, and its answers must be the checklist's.
   */
  async saveDraft(
    user: { id: number; username: string },
    inspection: InspectionRecord,
    draft: InspectionDraft,
  ): Promise<number> {
    assertOwnDraft(user, inspection);
    assertKnownItems(inspection, draft.results);
    const at = this.#now();
    if (!(await this.#o.store.saveDraft(inspection.id, draft, at)))
      throw new AppError('conflict', 'the inspection has ended');
    return at;
  }

  /** "Flag this moment": a note and, if given, a JPEG still from the video. */
  async observe(
    actor: Actor,
    inspection: InspectionRecord,
    note: string,
    still: string | undefined,
  ): Promise<number> {
    if (inspection.endedAt !== null) throw new AppError('conflict', 'the inspection has ended');
    const bytes = decodeStill(still);
    await this.#o.audit.record({
      action: 'inspection.observation',
      actor,
      ...inspectionTarget(inspection),
      details: { still: bytes !== null },
    });
    let stillPath: string | null = null;
    if (bytes) {
      const relative = path.join(
        String(inspection.id),
        `${this.#now()}-${Math.random().toString(36).slice(2, 8)}.jpg`,
      );
      const absolute = stillPathInside(this.#o.stillsDir, relative);
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

  /** Ends an inspection with its results, by the inspector. */
  async end(
    actor: Actor,
    inspection: InspectionRecord,
    results: Record<string, ChecklistResult>,
    notes: string,
    officerName: string | null,
  ): Promise<void> {
    assertKnownItems(inspection, results);
    await this.#oneAtATime(async () => {
      const current = await this.#o.store.get(inspection.id);
      if (!current || current.endedAt !== null)
        throw new AppError('conflict', 'the inspection has already ended');
      await this.#o.audit.record({
        action: 'inspection.end',
        actor,
        ...inspectionTarget(inspection),
        details: {
          failed: Object.values(results).filter((r) => r === 'fail').length,
          draftSaves: current.draftSaves,
        },
      });
      // No officer was signed in at the start: the one signed in now, if any, is the one inspected.
      if (current.officer === null) {
        const officer = await this.#o.officerOnDuty(current.counterId);
        if (officer) await this.#o.store.setOfficer(current.id, officer);
      }
      if (!(await this.#o.store.end(inspection.id, this.#now(), results, notes, officerName)))
        throw new AppError('conflict', 'the inspection has already ended');
      this.#disarm(inspection.id);
    });
  }

  /** The shared view of a record, with still URLs the API serves. */
  async view(record: InspectionRecord, counterName: string): Promise<Inspection> {
    return inspectionView(record, counterName, await this.#o.store.observations(record.id));
  }

  /** The file of an observation's still (checked to lie inside the stills folder); viewing it is on record. */
  async viewStill(actor: Actor, inspection: InspectionRecord, observationId: number): Promise<string> {
    const file = await this.#stillFile(inspection.id, observationId);
    await this.#o.audit.record({
      action: 'inspection.still_view',
      actor,
      ...inspectionTarget(inspection),
      details: { observationId },
    });
    return file;
  }

  /** A standalone, printable HTML report with the stills embedded; viewing or downloading it is on record. */
  async reportHtml(
    actor: Actor,
    record: InspectionRecord,
    view: Inspection,
    departmentName: string,
    download: boolean,
  ): Promise<string> {
    await this.#o.audit.record({
      action: 'inspection.report_view',
      actor,
      ...inspectionTarget(record),
      details: { download },
    });
    const stills = new Map<number, string>();
    for (const o of view.observations) {
      if (!o.stillUrl) continue;
      const file = await this.#stillFile(view.id, o.id);
      stills.set(o.id, `data:image/jpeg;base64,${fs.readFileSync(file).toString('base64')}`);
    }
    return renderReport(view, departmentName, stills, this.#o.maxDurationMs, {
      draftSaves: record.draftSaves,
      draftSavedAt: record.draftSavedAt,
    });
  }

  heldSpans(now: number): Promise<{ counterId: string; from: number; to: number }[]> {
    return this.#o.store.heldSpans(now, this.#o.releaseAfterMs, 60_000);
  }

  async #stillFile(inspectionId: number, observationId: number): Promise<string> {
    const observation = (await this.#o.store.observations(inspectionId)).find((o) => o.id === observationId);
    if (!observation?.stillPath) throw new AppError('not_found', 'no such still');
    return stillPathInside(this.#o.stillsDir, observation.stillPath);
  }

  /** Schedules the automatic end at startedAt + the maximum (at once if that has passed). */
  #arm(record: InspectionRecord): void {
    if (this.#closed) return;
    this.#disarm(record.id);
    const deadline = record.startedAt + this.#o.maxDurationMs;
    const wait = Math.min(Math.max(0, deadline - this.#now()), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.#timers.delete(record.id);
      if (this.#now() < deadline) {
        this.#arm(record); // a deadline beyond one timer's reach
        return;
      }
      this.#autoEnd(record.id, deadline).catch((error: unknown) => {
        // Not on record, not ended: try again shortly rather than hold the recording for good.
        this.#logger.error({ err: error, inspectionId: record.id }, 'inspection not ended automatically');
        if (!this.#closed) this.#timers.set(record.id, setTimeout(() => this.#arm(record), 60_000).unref());
      });
    }, wait);
    timer.unref();
    this.#timers.set(record.id, timer);
  }

  #disarm(id: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
  }

  async #autoEnd(id: number, deadline: number): Promise<void> {
    await this.#oneAtATime(async () => {
      const record = await this.#o.store.get(id);
      if (!record || record.endedAt !== null) return;
      const minutes = maxMinutes(this.#o.maxDurationMs);
      await this.#o.audit.record({
        action: 'inspection.end',
        actor: SYSTEM,
        ...inspectionTarget(record),
        reason: `ended automatically at the maximum duration of ${minutes} minutes`,
        details: { automatic: true, maxMinutes: minutes, draftSaves: record.draftSaves },
      });
      // It ends at its deadline, even when the server was down then: the recording is held no longer.
      const { results, notes, officerName } = automaticEnd(record);
      await this.#o.store.end(record.id, deadline, results, notes, officerName, true);
      this.#logger.info({ inspectionId: record.id }, 'inspection ended automatically');
    });
  }

  #oneAtATime<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#serial.then(run);
    this.#serial = result.catch(() => undefined);
    return result;
  }
}
