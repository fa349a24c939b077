/** Media pieces of the agent, for benchmarks and tools: the ffmpeg argument builder and sources. */
export { buildFfmpegArgs, redactArgs, type EncodePlan, type SendTarget } from './ffmpegArgs.js';
export { parseVideoSource, parseAudioSource, type VideoSource, type AudioSource } from './sources.js';
export { FfmpegSupervisor } from './FfmpegSupervisor.js';
