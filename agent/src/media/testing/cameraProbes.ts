/**
 * Test data: ffprobe's JSON for each test camera of tests/support/rtsp_server.py,
 * as Debian 12's ffprobe printed it with the agent's probe arguments.
 */
export const CAMERA_PROBES = {
  h264: '{"programs":[],"streams":[{"index":0,"codec_name":"h264","codec_type":"video"}]}',
  'h264-aac':
    '{"programs":[],"streams":[{"index":0,"codec_name":"h264","codec_type":"video"},{"index":1,"codec_name":"aac","codec_type":"audio"}]}',
  'h265-pcmu':
    '{"programs":[],"streams":[{"index":0,"codec_name":"hevc","codec_type":"video"},{"index":1,"codec_name":"pcm_mulaw","codec_type":"audio"}]}',
  'mjpeg-pcma':
    '{"programs":[],"streams":[{"index":0,"codec_name":"mjpeg","codec_type":"video"},{"index":1,"codec_name":"pcm_alaw","codec_type":"audio"}]}',
  'h264-opus':
    '{"programs":[],"streams":[{"index":0,"codec_name":"h264","codec_type":"video"},{"index":1,"codec_name":"opus","codec_type":"audio"}]}',
} as const;
