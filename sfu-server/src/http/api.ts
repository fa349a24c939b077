import path from 'node:path';
import express from 'express';
import type { Clock } from '@counterwatch/shared';
import type { AccountService } from '../accounts/AccountService.js';
import type { AlertEngine } from '../alerts/AlertEngine.js';
import type { AuditLog } from '../audit/AuditLog.js';
import { AuditSearch } from '../audit/AuditSearch.js';
import { hasRole } from '../auth/access.js';
import type { SessionService } from '../auth/SessionService.js';
import type { ServerConfig } from '../config.js';
import type { Directory } from '../counters/Directory.js';
import type { MediaStatusBoard } from '../counters/MediaStatusBoard.js';
import type { DeviceRegistry } from '../devices/DeviceRegistry.js';
import { HallVoice } from '../devices/HallVoice.js';
import { createHttpApp } from './app.js';
import { requireDepartmentKey } from './deviceAuth.js';
import type { Downloads } from './downloads.js';
import { adminRoutes } from './routes/adminRoutes.js';
import { auditRoutes } from './routes/auditRoutes.js';
import { deviceAdminRoutes } from './routes/deviceAdminRoutes.js';
import { officerAdminRoutes } from './routes/officerAdminRoutes.js';
import { authRoutes } from './routes/authRoutes.js';
import { deviceRoutes } from './routes/deviceRoutes.js';
import { agentEnrolRoutes, directoryAdminRoutes, directoryRoutes } from './routes/directoryRoutes.js';
import type { DirectoryService } from '../counters/DirectoryService.js';
import { eventsRoutes } from './routes/eventsRoutes.js';
import { healthRoutes } from './routes/healthRoutes.js';
import { inspectionRoutes } from './routes/inspectionRoutes.js';
import { queueRoutes } from './routes/queueRoutes.js';
import { reviewRoutes } from './routes/reviewRoutes.js';
import { nodeSegmentRoutes } from './routes/nodeSegmentRoutes.js';
import { counterReplayRoutes } from './routes/counterReplayRoutes.js';
import { CounterReplay } from '../recording/CounterReplay.js';
import { reportRoutes } from './routes/reportRoutes.js';
import { staffingRoutes } from './routes/staffingRoutes.js';
import type { InspectionService } from '../inspections/InspectionService.js';
import type { WallViewService } from '../wall/WallViewService.js';
import { wallViewRoutes } from './routes/wallViewRoutes.js';
import { nodeRoutes } from './routes/nodeRoutes.js';
import type { OfficerService } from '../officers/OfficerService.js';
import type { Logger } from '../logger.js';
import type { MediaService } from '../media/MediaService.js';
import { NodeAdmin } from '../nodes/NodeAdmin.js';
import type { NodeSegmentServer } from '../nodes/NodeSegments.js';
import { DeviceCommands } from '../queue/DeviceCommands.js';
import type { QueueService } from '../queue/QueueService.js';
import type { ClipService } from '../recording/index.js';
import type { ReportScheduler } from '../reports/ReportScheduler.js';
import type { ReportService } from '../reports/ReportService.js';
import type { StaffingService } from '../staffing/StaffingService.js';
import type { ReviewService } from '../review/ReviewService.js';
import { InteractionEvidence } from '../review/InteractionEvidence.js';
import type { Storage } from '../storage/Storage.js';
import { buildOverview, type ViewSources } from '../views.js';
import { metricsRoutes } from './routes/metricsRoutes.js';
import type { HealthCheck } from '../ops/HealthCheck.js';
import type { ServerMetrics } from '../ops/ServerMetrics.js';

/** Every service the REST API translates HTTP to (the composition root builds them). */
export interface ApiParts {
  accounts: AccountService;
  alerts: AlertEngine;
  audit: AuditLog;
  board: MediaStatusBoard;
  clips: ClipService;
  clock: Clock;
  config: ServerConfig;
  devices: DeviceRegistry;
  directory: Directory;
  directoryAdmin: DirectoryService;
  downloads: Downloads;
  health: HealthCheck;
  inspections: InspectionService;
  logger: Logger;
  media: MediaService;
  metrics: ServerMetrics;
  nodeSegments: NodeSegmentServer | null;
  officers: OfficerService;
  queue: QueueService;
  reportSchedule: ReportScheduler;
  reports: ReportService;
  reviews: ReviewService;
  sessions: SessionService;
  staffing: StaffingService;
  storage: Storage;
  views: ViewSources;
  wallViews: WallViewService;
  /** The app itself (the admin routes list its routes). */
  app: () => express.Express;
}

/**
 * The HTTP app: the console's REST API, devices, agents' enrolment, files and metrics, each router
 * given the services it needs. Routes only translate HTTP; the services act and audit.
 */
export function buildHttpApp(parts: ApiParts): express.Express {
  const config = parts.config;
  const counterOf = (id: string) => parts.directory.counter(id);
  // Recordings and records of a retired counter stay readable.
  const counterOnRecord = (id: string) => parts.directory.counterOnRecord(id);
  const clipsDir = parts.clips.dir;
  const clips = parts.clips;
  const app = createHttpApp({
    allowedOrigins: config.allowedOrigins,
    trustProxy: config.trustProxy,
    consoleDir: config.consoleDir,
    logger: parts.logger,
    root: [
      {
        path: '/metrics',
        router: metricsRoutes({
          token: config.metricsToken,
          sessions: parts.sessions,
          metrics: parts.metrics,
        }),
      },
    ],
    api: [
      { path: '/health', router: healthRoutes(() => parts.health.check()) },
      {
        path: '/auth',
        router: authRoutes({
          sessions: parts.sessions,
          secureCookies: config.publicUrl.protocol === 'https:',
        }),
      },
      {
        path: '/events',
        router: withDepartmentKey(
          parts.directory,
          eventsRoutes((origin, events, sentAt) => parts.queue.ingest(origin, events, sentAt)),
        ),
      },
      {
        path: '/device',
        router: deviceRoutes({
          registry: parts.devices,
          officers: parts.officers,
          commands: new DeviceCommands(parts.queue, parts.clock),
          countersOf: (departmentId) =>
            parts.directory.counters().filter((c) => c.departmentId === departmentId),
          voice: new HallVoice({ dir: path.join(config.dataDir, 'voice'), logger: parts.logger }),
        }),
      },
      { path: '/files', router: parts.downloads.routes(parts.sessions) },
      ...(parts.nodeSegments
        ? [{ path: '/node/segments', router: nodeSegmentRoutes(parts.nodeSegments) }]
        : []),
      {
        // Retired ones included: the audit trail names them.
        path: '/directory',
        router: directoryRoutes(parts.sessions, {
          departments: () => parts.directory.entries().departments,
          counters: () => parts.directory.entries().counters,
        }),
      },
      { path: '/admin/directory', router: directoryAdminRoutes(parts.sessions, parts.directoryAdmin) },
      { path: '/agent', router: agentEnrolRoutes(parts.directoryAdmin) },
      {
        path: '/audit',
        router: auditRoutes({
          sessions: parts.sessions,
          audit: parts.audit,
          search: new AuditSearch({
            audit: parts.audit,
            host: {
              departments: () => parts.directory.entries().departments,
              counters: () => parts.directory.entries().counters,
              accounts: () => parts.storage.listUsers(),
            },
          }),
          now: parts.clock,
        }),
      },
      {
        path: '/reports',
        router: reportRoutes({
          sessions: parts.sessions,
          reports: parts.reports,
          scheduler: parts.reportSchedule,
        }),
      },
      { path: '/admin/devices', router: deviceAdminRoutes(parts.sessions, parts.devices) },
      { path: '/admin/officers', router: officerAdminRoutes(parts.sessions, parts.officers) },
      {
        path: '/admin',
        router: adminRoutes({
          sessions: parts.sessions,
          accounts: parts.accounts,
          storage: parts.storage,
          directory: parts.directory,
          isOnline: (id) => parts.board.get(id).status === 'online',
          credentialRefusedAt: (id) => parts.board.get(id).credentialRefusedAt ?? null,
          mediaObjects: () => parts.media.objects(),
          app: parts.app,
          now: parts.clock,
        }),
      },
      {
        path: '/nodes',
        router: nodeRoutes({
          sessions: parts.sessions,
          nodes: new NodeAdmin({ store: parts.storage.nodes, audit: parts.audit, now: parts.clock }),
          role: parts.config.role,
          now: parts.clock,
        }),
      },
      { path: '/wall-views', router: wallViewRoutes(parts.sessions, parts.wallViews) },
      { path: '/staffing', router: staffingRoutes({ sessions: parts.sessions, staffing: parts.staffing }) },
      {
        path: '/inspections',
        router: inspectionRoutes({
          sessions: parts.sessions,
          inspections: parts.inspections,
          counter: counterOf,
          department: (id) => parts.directory.department(id),
        }),
      },
      {
        path: '/counters',
        router: counterReplayRoutes({
          sessions: parts.sessions,
          replay: new CounterReplay({
            counter: counterOnRecord,
            segments: parts.storage.recordings,
            interactions: (query) => parts.reviews.list(query),
            clip: (counterId, from, to) => clips.clip(counterId, from, to),
            audit: (input) => parts.audit.record(input),
          }),
          downloads: parts.downloads,
          clipsDir,
        }),
      },
      {
        path: '/',
        router: reviewRoutes({
          sessions: parts.sessions,
          reviews: parts.reviews,
          evidence: new InteractionEvidence({
            audit: parts.audit,
            clips,
            ticketEvents: (departmentId, ticketId) => parts.storage.listTicketEvents(departmentId, ticketId),
            exportsDir: path.join(config.dataDir, 'exports'),
            now: parts.clock,
          }),
          clipsDir,
          downloads: parts.downloads,
          counter: counterOnRecord,
        }),
      },
      {
        path: '/',
        router: queueRoutes(parts.sessions, {
          overview: (user) => buildOverview(parts.views, user, parts.clock()),
          departmentExists: (id) => parts.directory.department(id) !== undefined,
          history: (id, from, to) => parts.queue.history(id, from, to),
          listAlerts: (query, scope) => parts.alerts.list(query, scope),
          getAlert: (id) => parts.alerts.get(id),
          acknowledgeAlert: (alert, actor) => parts.alerts.acknowledge(alert.id, actor),
          resolveAlert: (alert, actor, note, options) => parts.alerts.resolve(alert.id, actor, note, options),
          snoozeAlert: (alert, actor, duration, note) => parts.alerts.snooze(alert.id, actor, duration, note),
          thresholds: (id) => parts.alerts.thresholds(id),
          setThresholds: (id, thresholds, actor) => parts.alerts.setThresholds(id, thresholds, actor),
          scope: (user) => (hasRole(user, 'director') ? null : user.departmentIds),
        }),
      },
    ],
  });
  return app;
}

/** Mounts a router behind the department API key check. */
function withDepartmentKey(directory: Directory, router: express.Router): express.Router {
  const wrapper = express.Router();
  wrapper.use(requireDepartmentKey((key) => directory.authenticateDepartmentKey(key)));
  wrapper.use(router);
  return wrapper;
}
