#!/usr/bin/python3
"""IP cameras for the tests: GStreamer's RTSP server, one mount per kind of camera.

Run with Debian's python (it has the GObject bindings):

    CW_RTSP_PASSWORD=… /usr/bin/python3 tests/support/rtsp_server.py \\
        --port 8554 --secure-port 8555 [--secure-user NAME] [--secure-auth digest|basic] [--h264-mic]

Two servers, as two cameras would be: the open one on --port, and one on
--secure-port that answers 401 to anyone without the user and password.
The password is read from CW_RTSP_PASSWORD, never from the command line
(which `ps` shows). Prints `ready <port> <secure-port>` on stdout once both
listen; stops on SIGTERM or SIGINT.

Mounts (live test pictures and tones, encoded as a camera would):
  --port         /h264          H.264 video, no microphone
                 /h264-aac      H.264 + AAC
                 /h265-pcmu     H.265 + G.711 µ-law
                 /mjpeg-pcma    MJPEG + G.711 A-law
                 /h264-opus     H.264 + Opus
  --secure-port  /secure        H.264 + AAC behind digest (or basic) authentication

--h264-mic gives /h264 a microphone (AAC): a camera that comes back from a
restart with other streams than before.

--port also serves /clock: H.264 of the clock picture (agent/gst/clock_picture.py,
its capture time in bars), 640×360 at 20 fps, for measuring glass-to-glass
through the IP-camera path.
"""

import argparse
import os
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "agent", "gst"))
from clock_picture import ClockFeeder  # noqa: E402

# Small pictures at a low rate: the agent scales them anyway, and a 2-core test machine
# runs several cameras, the server, the agents and a browser at once.
VIDEO = (
    "videotestsrc is-live=true pattern={pattern} "
    "! video/x-raw,width=320,height=240,framerate=10/1 ! videoconvert ! video/x-raw,format=I420 "
)
H264 = VIDEO + (
    "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=10 bitrate=300 "
    "! video/x-h264,profile=baseline ! rtph264pay name=pay0 pt=96 config-interval=-1 "
)
H265 = VIDEO + (
    "! x265enc tune=zerolatency speed-preset=ultrafast key-int-max=10 bitrate=300 "
    "! rtph265pay name=pay0 pt=96 config-interval=-1 "
)
MJPEG = VIDEO + "! jpegenc quality=60 ! rtpjpegpay name=pay0 pt=26 "

TONE = "audiotestsrc is-live=true wave=sine freq=440 volume=0.2 ! audioconvert ! audioresample "
AAC = TONE + "! audio/x-raw,rate=16000,channels=1 ! avenc_aac bitrate=32000 ! rtpmp4gpay name=pay1 pt=97 "
PCMU = TONE + "! audio/x-raw,rate=8000,channels=1 ! mulawenc ! rtppcmupay name=pay1 pt=0 "
PCMA = TONE + "! audio/x-raw,rate=8000,channels=1 ! alawenc ! rtppcmapay name=pay1 pt=8 "
OPUS = TONE + "! audio/x-raw,rate=48000,channels=2 ! opusenc bitrate=32000 ! rtpopuspay name=pay1 pt=98 "

OPEN_MOUNTS = {
    "/h264": H264.format(pattern="ball"),
    "/h264-aac": H264.format(pattern="smpte") + AAC,
    "/h265-pcmu": H265.format(pattern="snow") + PCMU,
    "/mjpeg-pcma": MJPEG.format(pattern="pinwheel") + PCMA,
    "/h264-opus": H264.format(pattern="spokes") + OPUS,
}
CLOCK_SIZE = (640, 360, 20)
# A camera's encoder tuned for latency: no B-frames, no lookahead, a keyframe a second.
CLOCK = (
    "appsrc name=clocksrc ! videoconvert ! video/x-raw,format=I420 "
    "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=20 bitrate=2000 "
    "! video/x-h264,profile=baseline ! rtph264pay name=pay0 pt=96 config-interval=-1 "
)
SECURE_MOUNTS = {"/secure": H264.format(pattern="circular") + AAC}


def factory(launch: str, role: str | None) -> GstRtspServer.RTSPMediaFactory:
    f = GstRtspServer.RTSPMediaFactory()
    f.set_launch(f"( {launch} )")
    # One pipeline per mount however many clients (a probe, then the agent's ffmpeg).
    f.set_shared(True)
    if role is not None:
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_role(role)
        permissions.add_permission_for_role(role, GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True)
        permissions.add_permission_for_role(role, GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True)
        f.set_permissions(permissions)
    return f


def clock_factory() -> GstRtspServer.RTSPMediaFactory:
    """The clock camera: its appsrc is fed while the (shared) media is prepared."""
    f = factory(CLOCK, None)

    def configure(_factory, media):
        appsrc = media.get_element().get_by_name("clocksrc")
        feeder = ClockFeeder(appsrc, *CLOCK_SIZE)
        feeder.start()
        media.connect("unprepared", lambda _media: feeder.stop())

    f.connect("media-configure", configure)
    return f


def server(address: str, port: int, mounts: dict[str, str], auth: GstRtspServer.RTSPAuth | None):
    s = GstRtspServer.RTSPServer()
    s.set_address(address)
    s.set_service(str(port))
    if auth is not None:
        s.set_auth(auth)
    points = s.get_mount_points()
    for path, launch in mounts.items():
        points.add_factory(path, factory(launch, "viewer" if auth is not None else None))
    if s.attach(None) == 0:
        print(f"could not listen on port {port}", file=sys.stderr)
        sys.exit(1)
    return s


def camera_auth(user: str, password: str, method: str) -> GstRtspServer.RTSPAuth:
    """No default token: a client without the right credentials gets 401, as from a camera."""
    auth = GstRtspServer.RTSPAuth()
    # The binding takes one method (the C flags do not combine through it).
    auth.set_supported_methods(
        GstRtsp.RTSPAuthMethod.BASIC if method == "basic" else GstRtsp.RTSPAuthMethod.DIGEST
    )
    viewer = GstRtspServer.RTSPToken()
    viewer.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "viewer")
    if method == "basic":
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), viewer)
    else:
        auth.add_digest(user, password, viewer)
    return auth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secure-port", type=int, required=True)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--secure-user", default="camera")
    parser.add_argument("--secure-auth", choices=["digest", "basic"], default="digest")
    parser.add_argument("--h264-mic", action="store_true")
    args = parser.parse_args()
    password = os.environ.get("CW_RTSP_PASSWORD", "")
    if not password:
        print("CW_RTSP_PASSWORD is not set", file=sys.stderr)
        return 64

    Gst.init(None)
    mounts = dict(OPEN_MOUNTS)
    if args.h264_mic:
        mounts["/h264"] = H264.format(pattern="ball") + AAC
    open_server = server(args.address, args.port, mounts, None)
    open_server.get_mount_points().add_factory("/clock", clock_factory())
    servers = [
        open_server,
        server(
            args.address,
            args.secure_port,
            SECURE_MOUNTS,
            camera_auth(args.secure_user, password, args.secure_auth),
        ),
    ]
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    print("ready " + " ".join(str(s.get_bound_port()) for s in servers), flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
