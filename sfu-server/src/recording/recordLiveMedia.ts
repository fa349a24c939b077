import type { Counter } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { DepartmentRouter } from '../media/DepartmentRouter.js';
import type { LiveMedia } from '../media/LiveMedia.js';
import type { RecordingService } from './RecordingService.js';

/** What following the live media needs besides it (children do not import their parents). */
export interface RecordLiveMediaHost {
  live: Pick<LiveMedia, 'ingest' | 'epoch'>;
  counter(id: string): Counter | undefined;
  router(departmentId: string): Promise<DepartmentRouter>;
  logger: Logger;
}

/**
 * Keeps recording in step with what a counter publishes on this process: called whenever its live
 * media changes, it starts, replaces or stops the counter's recorder.
 */
export function recordLiveMedia(
  recording: RecordingService,
  host: RecordLiveMediaHost,
): (counterId: string) => void {
  return (counterId) => {
    const ingest = host.live.ingest(counterId);
    const counter = host.counter(counterId);
    if (!counter) return;
    const video = ingest?.producer('focus');
    if (!ingest || !video || ingest.closed) {
      recording.track(counter, null);
      return;
    }
    // Browser publishers add their producers one by one: record once focus is there (audio may follow).
    host
      .router(counter.departmentId)
      .then((router) => {
        if (host.live.ingest(counterId) !== ingest) return;
        recording.track(counter, {
          epoch: host.live.epoch(counterId),
          router,
          video,
          audio: ingest.producer('audio') ?? null,
        });
      })
      .catch((error: unknown) => host.logger.error({ err: error, counterId }, 'recording not started'));
  };
}
