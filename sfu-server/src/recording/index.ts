/** Server-side recording: segments of every publishing counter, retention under a quota, clips. */
export {
  RecordingService,
  type RecordingServiceOptions,
  type RecordingServiceEvents,
  type RecordedMedia,
} from './RecordingService.js';
export type { Clip } from './clips.js';
export { ClipService, type ClipServiceOptions, type SegmentFetcher } from './ClipService.js';
export type { HeldSpan, RetentionResult } from './retention.js';
export type { Container } from './paths.js';
export type { PortRange } from './ports.js';
