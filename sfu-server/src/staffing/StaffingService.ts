import {
  AppError,
  serviceInfo,
  type Campaign,
  type CampaignInput,
  type Clock,
  type Counter,
  type Department,
  type StaffingAdvice,
  type StaffingAdviceItem,
  type StaffingDay,
  type StaffingQuery,
  type User,
} from '@counterwatch/shared';
import type { Actor, AuditLog } from '../audit/AuditLog.js';
import { inScope } from '../auth/access.js';
import type { Logger } from '../logger.js';
import { businessDayLabel, businessDayStart } from '../queue/businessDay.js';
import { dayStartOf } from '../reports/periods.js';
import type { CampaignStore, Storage } from '../storage/Storage.js';
import { addDays, forecastDay, isoWeekday, measureAccuracy } from './forecast.js';
import { foldHistory, hours24, type DayHistory } from './history.js';
import { adviseDay, planDay, type HourInput } from './plan.js';

const DAY = 24 * 3_600_000;
/** History read for one advice: enough for four same-weekdays, the trend and a held-back week. */
export const HISTORY_DAYS = 42;
/** Samples needed before a measured service time replaces the catalogue's typical one. */
const MIN_SAMPLES = 5;
const MAX_CAMPAIGNS = 500;
/** Walking up and calling: added to the catalogue's typical minutes when nothing is measured. */
const CALL_OVERHEAD_S = 60;

export interface StaffingDirectory {
  departments(): Department[];
  counters(): Counter[];
}

export interface StaffingServiceOptions {
  storage: Pick<Storage, 'listQueueEvents'> & { campaigns: CampaignStore };
  directory: StaffingDirectory;
  audit: AuditLog;
  logger: Logger;
  now: Clock;
}

/**
 * The staffing advisor: a forecast of arrivals from the event log and the
 * counters each hour needs for the director's target, beside those usually
 * opened. Campaigns are declared by the director or the admin, on record.
 */
export class StaffingService {
  readonly #storage: StaffingServiceOptions['storage'];
  readonly #directory: StaffingDirectory;
  readonly #audit: AuditLog;
  readonly #logger: Logger;
  readonly #now: Clock;

  constructor(options: StaffingServiceOptions) {
    this.#storage = options.storage;
    this.#directory = options.directory;
    this.#audit = options.audit;
    this.#logger = options.logger.child({ module: 'staffing' });
    this.#now = options.now;
  }

  /** The department the advice is for: the one asked (404 outside the user's scope) or the first visible. */
  #departmentFor(user: User, departmentId?: string): Department {
    const visible = this.#directory.departments().filter((d) => inScope(user, d.id));
    const one = departmentId === undefined ? visible[0] : visible.find((d) => d.id === departmentId);
    if (!one) throw new AppError('not_found', `no department ${departmentId ?? ''}`.trim());
    return one;
  }

  async advise(user: User, actor: Actor, query: StaffingQuery): Promise<StaffingAdvice> {
    const department = this.#departmentFor(user, query.departmentId);
    const from = query.from ?? addDays(businessDayLabel(this.#now()), 1);
    if (from < addDays(businessDayLabel(this.#now()), -HISTORY_DAYS))
      throw new AppError('invalid_request', 'the forecast starts too long ago');
    await this.#audit.record({
      action: 'staffing.advise',
      actor,
      departmentId: department.id,
      objectType: 'department',
      objectId: department.id,
      details: { from, days: query.days, targetMinutes: query.targetMinutes, targetShare: query.targetShare },
    });
    return this.build(department, { ...query, from });
  }

  /** The advice itself, from the history before today (or before `from`, whichever is earlier). */
  async build(department: Department, query: StaffingQuery & { from: string }): Promise<StaffingAdvice> {
    const started = this.#now();
    const today = businessDayStart(this.#now());
    const historyTo = Math.min(today, dayStartOf(query.from));
    const historyFrom = historyTo - HISTORY_DAYS * DAY;
    const events = await this.#storage.listQueueEvents(department.id, historyFrom);
    const all = foldHistory(events, department.id, historyFrom, historyTo);
    // History begins with the first day anything happened.
    const firstActive = all.findIndex((h) => h.arrivals.size > 0 || h.onDuty.some((x) => x > 0));
    const history = firstActive < 0 ? [] : all.slice(firstActive);
    const campaigns = (await this.#storage.campaigns.list()).filter((c) =>
      c.departmentIds.includes(department.id),
    );

    const handle = handleTimes(history);
    const handleOf = (code: string): number =>
      handle.get(code)?.mean ?? (serviceInfo(code)?.typicalMinutes ?? 10) * 60 + CALL_OVERHEAD_S;
    const pausedShare = pausedShareOf(history);
    const targetSeconds = query.targetMinutes * 60;

    const days: StaffingDay[] = [];
    const advice: StaffingAdviceItem[] = [];
    for (let i = 0; i < query.days; i++) {
      const day = addDays(query.from, i);
      const f = forecastDay(history, department.id, day, campaigns);
      const actual = hours24();
      for (const r of f.reference)
        r.onDuty.forEach((x, h) => (actual[h] = (actual[h] ?? 0) + x / f.reference.length));
      if (f.holiday !== null) actual.fill(0);
      const active = hours24()
        .map((_, h) => h)
        .filter(
          (h) => (actual[h] ?? 0) > 0.05 || [...f.byService.values()].some((row) => (row[h] ?? 0) > 0.01),
        );
      const first = active[0];
      const last = active[active.length - 1];
      const span = first === undefined || last === undefined ? [] : range(first, last + 1);
      const inputs: HourInput[] = span.map((h) => {
        let n = 0;
        let work = 0;
        for (const [code, row] of f.byService) {
          n += row[h] ?? 0;
          work += (row[h] ?? 0) * handleOf(code);
        }
        return { hour: h, arrivals: n, handleSeconds: n > 0 ? work / n : handleOf('id-card') };
      });
      const hours = planDay({
        hours: inputs,
        actual: span.map((h) => actual[h] ?? 0),
        targetSeconds,
        targetShare: query.targetShare,
        pausedShare,
      }).map((h) => ({
        ...h,
        byService: Object.fromEntries(
          [...f.byService].map(([code, row]) => [code, Math.round((row[h.hour] ?? 0) * 100) / 100]),
        ),
      }));
      days.push({
        day,
        weekday: isoWeekday(day),
        holiday: f.holiday,
        campaignIds: f.campaignIds,
        basis: f.reference.length,
        trend: f.trend,
        hours,
      });
      const meanHandle =
        inputs.reduce((n, h) => n + h.arrivals * h.handleSeconds, 0) /
        Math.max(
          1e-9,
          inputs.reduce((n, h) => n + h.arrivals, 0),
        );
      advice.push(
        ...adviseDay(
          day,
          isoWeekday(day),
          hours,
          (h) => new Map(Object.entries(h.byService).map(([code, n]) => [code, n * handleOf(code)])),
          Number.isFinite(meanHandle) && meanHandle > 0 ? meanHandle : handleOf('id-card'),
          pausedShare,
        ),
      );
    }

    const historyFirst = history[0];
    const historyLast = history[history.length - 1];
    this.#logger.info(
      {
        departmentId: department.id,
        days: query.days,
        historyDays: history.length,
        ms: this.#now() - started,
      },
      'staffing advice built',
    );
    return {
      departmentId: department.id,
      departmentName: department.name,
      generatedAt: this.#now(),
      from: query.from,
      target: { minutes: query.targetMinutes, share: query.targetShare },
      counters: this.#directory.counters().filter((c) => c.departmentId === department.id).length,
      history: {
        from: historyFirst?.day ?? query.from,
        to: historyLast?.day ?? query.from,
        openDays: history.filter((h) => h.arrivals.size > 0).length,
      },
      serviceTimes: [...handle.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([serviceCode, s]) => ({
          serviceCode,
          meanHandleSeconds: Math.round(s.mean),
          samples: s.samples,
        })),
      pausedShare: Math.round(pausedShare * 1000) / 1000,
      accuracy: measureAccuracy(history, department.id, campaigns),
      days,
      advice,
    };
  }

  // --- Campaigns -------------------------------------------------------------

  /** Campaigns touching the user's departments, each naming only those departments. */
  async campaigns(user: User): Promise<Campaign[]> {
    return (await this.#storage.campaigns.list())
      .map((c) => ({ ...c, departmentIds: c.departmentIds.filter((d) => inScope(user, d)) }))
      .filter((c) => c.departmentIds.length > 0);
  }

  async declare(user: User, actor: Actor, input: CampaignInput): Promise<Campaign> {
    const known = new Set(this.#directory.departments().map((d) => d.id));
    const unknown = input.departmentIds.filter((d) => !known.has(d) || !inScope(user, d));
    if (unknown.length > 0) throw new AppError('invalid_request', `unknown department ${unknown.join(', ')}`);
    if (input.serviceCode !== null && !serviceInfo(input.serviceCode))
      throw new AppError('invalid_request', `unknown service ${input.serviceCode}`);
    await this.#audit.record({
      action: 'campaign.declare',
      actor,
      departmentId: input.departmentIds.length === 1 ? (input.departmentIds[0] ?? null) : null,
      objectType: 'campaign',
      objectId: null,
      details: { ...input },
    });
    const created = await this.#storage.campaigns.create(input, this.#now(), actor.username, MAX_CAMPAIGNS);
    if (created === 'limit')
      throw new AppError('conflict', `at most ${MAX_CAMPAIGNS} campaigns; withdraw old ones first`);
    this.#logger.info({ campaignId: created.id }, 'campaign declared');
    return created;
  }

  async withdraw(actor: Actor, id: number): Promise<void> {
    const campaign = await this.#storage.campaigns.get(id);
    if (!campaign) throw new AppError('not_found', `no campaign ${id}`);
    await this.#audit.record({
      action: 'campaign.withdraw',
      actor,
      departmentId: null,
      objectType: 'campaign',
      objectId: String(id),
      details: { name: campaign.name, departmentIds: campaign.departmentIds },
    });
    await this.#storage.campaigns.delete(id);
    this.#logger.info({ campaignId: id }, 'campaign withdrawn');
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** Mean call → end per service, over the history (enough samples only). */
function handleTimes(history: readonly DayHistory[]): Map<string, { mean: number; samples: number }> {
  const all = new Map<string, number[]>();
  for (const h of history)
    for (const [code, list] of h.handleSeconds) all.set(code, [...(all.get(code) ?? []), ...list]);
  const out = new Map<string, { mean: number; samples: number }>();
  for (const [code, list] of all) {
    if (list.length < MIN_SAMPLES) continue;
    out.set(code, { mean: list.reduce((a, b) => a + b, 0) / list.length, samples: list.length });
  }
  return out;
}

function pausedShareOf(history: readonly DayHistory[]): number {
  let duty = 0;
  let paused = 0;
  for (const h of history) {
    duty += h.onDuty.reduce((a, b) => a + b, 0);
    paused += h.paused.reduce((a, b) => a + b, 0);
  }
  return duty > 0 ? Math.min(0.5, paused / duty) : 0;
}
