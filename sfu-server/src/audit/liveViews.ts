import type { MediaTrack, User } from '@counterwatch/shared';
import type { ViewerConsumerInfo } from '../media/ViewerSession.js';
import { actorOf, type AuditLog } from './AuditLog.js';

/**
 * Every live view and audio listen, start and stop, goes on record; the
 * console's request to start one is refused when its row cannot be written.
 */
export async function recordLiveView(
  audit: AuditLog,
  phase: 'start' | 'stop',
  user: User,
  info: ViewerConsumerInfo,
  from: string,
): Promise<void> {
  const audio = info.track === 'audio';
  await audit.record({
    action: audio
      ? phase === 'start'
        ? 'live.audio_start'
        : 'live.audio_stop'
      : phase === 'start'
        ? 'live.view_start'
        : 'live.view_stop',
    actor: actorOf(user, from),
    departmentId: info.departmentId,
    counterId: info.counterId,
    objectType: 'consumer',
    objectId: info.consumerId,
    details: { track: info.track satisfies MediaTrack },
  });
}
