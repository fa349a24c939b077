import path from 'node:path';
import { AccountService } from '../accounts/AccountService.js';
import { AuditLog } from '../audit/AuditLog.js';
import { EnrolmentLimiter } from '../auth/enrolment.js';
import { SessionService } from '../auth/SessionService.js';
import { DirectoryService } from '../counters/DirectoryService.js';
import { DeviceRegistry } from '../devices/DeviceRegistry.js';
import { InspectionService } from '../inspections/InspectionService.js';
import { OfficerService } from '../officers/OfficerService.js';
import { ReportScheduler } from '../reports/ReportScheduler.js';
import { ReportService } from '../reports/ReportService.js';
import { ReviewService, typicalServiceSeconds } from '../review/ReviewService.js';
import { StaffingService } from '../staffing/StaffingService.js';
import { WallViewService } from '../wall/WallViewService.js';
import { type Core, DAY_MS } from './core.js';

/** The application services: each acts for an actor and writes its own audit row. */
export interface Services {
  audit: AuditLog;
  sessions: SessionService;
  accounts: AccountService;
  officers: OfficerService;
  reviews: ReviewService;
  wallViews: WallViewService;
  inspections: InspectionService;
  devices: DeviceRegistry;
  directoryAdmin: DirectoryService;
  reports: ReportService;
  staffing: StaffingService;
  reportSchedule: ReportScheduler;
}

export function buildServices(core: Core): Services {
  const { config, logger, storage, clock: now, directory, queue, alerts } = core;
  const audit = new AuditLog({ store: storage.audit, logger, now });
  const sessions = new SessionService({ storage, audit, logger, now });
  const accounts = new AccountService({
    storage,
    audit,
    logger,
    now,
    credentialsChanged: () => directory.refresh(),
  });
  const releaseAfterMs = config.recording.holdReleaseDays * DAY_MS;
  const officers = new OfficerService({
    store: storage.officers,
    attempts: storage.attempts,
    audit,
    departmentExists: (id) => directory.department(id) !== undefined,
    logger,
    now,
  });
  const reviews = new ReviewService({
    store: storage.reviews,
    ticket: (departmentId, ticketId) => queue.ticket(departmentId, ticketId),
    activeTicket: (departmentId, counterId) => queue.activeTicket(departmentId, counterId),
    usualServiceSeconds: (departmentId, serviceCode) => {
      const measured = queue
        .departmentMetrics(departmentId)
        ?.services.find((s) => s.serviceCode === serviceCode);
      return measured?.meanServiceSeconds ?? typicalServiceSeconds(serviceCode);
    },
    alertAbout: (departmentId, ticketId) => alerts.activeAbout(departmentId, ticketId),
    officerAt: (counterId, at) => officers.onDutyAt(counterId, at),
    officersAt: (queries) => officers.onDutyAtMany(queries),
    departments: () => directory.departments().map((d) => d.id),
    eventsSince: async (departmentId, since) =>
      (await storage.listQueueEvents(departmentId, since)).map((r) => r.event),
    audit,
    logger,
    releaseAfterMs,
    now,
  });
  const wallViews = new WallViewService({
    store: storage.wallViews,
    counter: (id) => directory.counter(id),
    now,
  });
  const inspections = new InspectionService({
    store: storage.inspections,
    settings: storage.settings,
    audit,
    maxDurationMs: config.inspectionMaxMs,
    stillsDir: path.join(config.dataDir, 'stills'),
    officerOnDuty: (counterId) => officers.onDuty(counterId),
    logger,
    releaseAfterMs,
    now,
  });
  // One limiter for both enrolment endpoints: wrong codes count together.
  const limiter = new EnrolmentLimiter({ store: storage.attempts, now });
  const devices = new DeviceRegistry({ store: storage.devices, audit, directory, logger, now, limiter });
  const directoryAdmin = new DirectoryService({
    store: storage.directory,
    audit,
    host: directory,
    logger,
    now,
    limiter,
  });
  const reports = new ReportService({ storage, directory, audit, logger, now });
  const staffing = new StaffingService({ storage, directory, audit, logger, now });
  const reportSchedule = new ReportScheduler({
    reports,
    directory,
    settings: storage.settings,
    audit,
    logger,
    now,
    leads: () => storage.changes.leads(),
  });
  return {
    audit,
    sessions,
    accounts,
    officers,
    reviews,
    wallViews,
    inspections,
    devices,
    directoryAdmin,
    reports,
    staffing,
    reportSchedule,
  };
}
