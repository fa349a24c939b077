/**
 * How an IP camera's URL reaches ffmpeg and ffprobe without its password
 * showing in a process listing: the URL goes into a private ffconcat file
 * (mode 0600, in a 0700 directory) that the concat demuxer opens, so the
 * command line holds only that file's path. The RTSP options travel in the
 * same file (`option` lines apply to opening the camera).
 */

/** What the camera input may open: the list file itself, then RTSP over TCP or TLS. */
const PROTOCOL_WHITELIST = 'file,rtsp,rtsps,tcp,tls,udp,rtp,srtp,crypto,httpproxy';

/** ffmpeg's `-timeout` for RTSP: 5 s without data from the camera and the read fails. */
export const CAMERA_SOCKET_TIMEOUT_US = 5_000_000;

/** The ffconcat file naming one camera. */
export function cameraListFile(url: string): string {
  if (/\p{Cc}/u.test(url)) throw new Error('camera URL has control characters');
  // ffconcat quoting: inside '…' nothing is special, so a quote closes, is escaped, and reopens.
  const quoted = `'${url.replaceAll("'", "'\\''")}'`;
  return [
    'ffconcat version 1.0',
    `file ${quoted}`,
    // TCP survives NAT and lossy Wi-Fi better than UDP.
    'option rtsp_transport tcp',
    // A silent camera turns into a read error (and an exit we restart) instead of a hang.
    `option timeout ${CAMERA_SOCKET_TIMEOUT_US}`,
    '',
  ].join('\n');
}

/** Input options (ffmpeg and ffprobe alike) that open the camera named in `listFile`. */
export function cameraInputArgs(listFile: string): string[] {
  return ['-f', 'concat', '-safe', '0', '-protocol_whitelist', PROTOCOL_WHITELIST, '-i', listFile];
}

/**
 * The strings that must never be printed for this URL: its password as
 * written and percent-decoded. Empty when the URL carries none.
 */
export function urlSecrets(url: string): string[] {
  let password: string;
  try {
    password = new URL(url).password;
  } catch {
    return [];
  }
  if (!password) return [];
  const secrets = new Set([password]);
  try {
    secrets.add(decodeURIComponent(password));
  } catch {
    // Malformed percent-encoding: the raw form is the one ffmpeg would print.
  }
  return [...secrets].sort((a, b) => b.length - a.length);
}

/** A password shorter than this is not searched for in text (every '1' would vanish from a log). */
const MIN_SECRET_LENGTH = 4;

/**
 * Blanks camera credentials in text from ffmpeg, ffprobe and our own
 * messages: the user-info of any rtsp URL, and the literal password wherever
 * it appears (ffmpeg may quote a URL it has already decoded).
 */
export function credentialRedactor(secrets: readonly string[]): (text: string) => string {
  const literal = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH);
  return (text) => {
    // Greedy up to the last '@' before a '/': passwords may contain '@'.
    let out = text.replace(/(rtsps?:\/\/)[^/\s'"]*@/g, '$1***@');
    for (const secret of literal) out = out.replaceAll(secret, '***');
    return out;
  };
}
