/** Media pieces of the agent, for benchmarks and tools: the ffmpeg and GStreamer plans, sources, the supervisor. */
export { buildFfmpegArgs, redactArgs, type EncodePlan, type SendTarget } from './ffmpegArgs.js';
export { parseVideoSource, parseAudioSource, type VideoSource, type AudioSource } from './sources.js';
export { FfmpegSupervisor } from './FfmpegSupervisor.js';
export {
  buildGstLaunch,
  gstreamerAvailable,
  DEFAULT_PYTHON,
  GST_PUBLISHER_SCRIPT,
  type GstPlan,
} from './gstPlan.js';
export { PrepareDeferred, type EncoderEngine, type EncoderLaunch } from './FfmpegSupervisor.js';
