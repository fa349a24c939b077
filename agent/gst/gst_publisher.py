#!/usr/bin/python3
"""The counter agent's GStreamer publisher: one counter's picture and sound to the SFU.

Run by the agent with Debian's python (it has the GObject bindings):

    /usr/bin/python3 gst_publisher.py            reads its plan (JSON, one line) on stdin
    /usr/bin/python3 gst_publisher.py --check    exits 0 when every element it needs exists

The plan carries the SRTP keys, so it never travels on the command line
(which any user of the machine can read in /proc/<pid>/cmdline).

What it builds, per rendition (focus, grid) and for the sound: source →
encoder → payloader → an SRTP session to the SFU (srtp_sender.py), whose RTCP
comes back: rtpbin turns a PLI or FIR from the SFU into a GstForceKeyUnit
event upstream, which the encoder honours, so a new viewer gets a keyframe at
once instead of waiting for the periodic one.

stdout speaks ffmpeg's `-progress` format (frame=, fps=, total_size=,
progress=continue), once a second, so the agent supervises both publishers
alike. stderr carries errors and a line per forced keyframe.
"""

import json
import os
import signal
import sys
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("Gio", "2.0")
from gi.repository import GLib, Gst  # noqa: E402

# Beside this script:
from clock_picture import ClockFeeder  # noqa: E402
from gst_elements import PlanError, caps, log, make  # noqa: E402
from rtsp_camera import RtspCamera  # noqa: E402
from srtp_sender import SrtpSender  # noqa: E402

NEEDED = [
    "rtpbin", "srtpenc", "srtpdec", "udpsrc", "udpsink", "tee", "queue", "videoscale",
    "videorate", "videoconvert", "capsfilter", "vp8enc", "rtpvp8pay", "x264enc", "rtph264pay",
    "opusenc", "rtpopuspay", "audioconvert", "audioresample", "videotestsrc", "audiotestsrc",
    "decodebin", "filesrc", "v4l2src", "identity", "textoverlay", "clockoverlay", "appsrc",
    "uridecodebin", "rtspsrc",
]  # fmt: skip
MTU = 1200


class Publisher:
    def __init__(self, plan):
        self.plan = plan
        self.pipeline = Gst.Pipeline.new("publisher")
        self.loop = GLib.MainLoop()
        self.frames = 0
        self.bytes = 0
        self.forced = 0
        self.started = time.monotonic()
        self.last = (self.started, 0)
        self.exit_code = 0
        self.file_pipeline = None
        self.clock_feeder = None
        self.camera = None
        self.sender = SrtpSender(self.pipeline, self._count_bytes)

    def add(self, *elements):
        for element in elements:
            self.pipeline.add(element)
        for a, b in zip(elements, elements[1:]):
            if not a.link(b):
                raise PlanError(f"cannot link {a.get_name()} to {b.get_name()}")
        return elements[0], elements[-1]

    # --- sources ------------------------------------------------------------

    def video_source(self):
        """The source's raw picture at the focus size and rate; returns the element to tee from."""
        video = self.plan["video"]
        focus = self.plan["renditions"]["focus"]
        raw = f"video/x-raw,format=I420,width={focus['width']},height={focus['height']},framerate={focus['fps']}/1"
        if video["kind"] == "clock":
            # The capture time in the picture, for measuring glass-to-glass (clock_picture.py).
            src = make("appsrc")
            self.clock_feeder = ClockFeeder(src, focus["width"], focus["height"], focus["fps"])
            _, last = self.add(src, caps(raw))
            return self.overlay(last)
        if video["kind"] == "rtsp":
            first, last = self.add(make("videoconvert"), make("videoscale"), *self.rate_cap(focus))
            self.rtsp_camera(video["url"]).link_video(first)
            return last
        convert = [make("videoconvert"), make("videoscale"), make("videorate"), caps(raw)]
        if video["kind"] == "v4l2":
            # A USB camera sends raw YUV or MJPEG: decodebin takes either.
            decode = make("decodebin")
            self.add(make("v4l2src", device=video["device"]), decode)
            first, last = self.add(*convert)
            self.link_decoded_video(decode, first, self.pipeline)
            return last
        if video["kind"] == "file":
            return self.file_source(video["path"], convert, raw)
        raise PlanError(f"GStreamer cannot open a {video['kind']} source")

    def file_source(self, path, convert, raw):
        """
        A file plays in a loop in a pipeline of its own, paced to the clock, and
        reaches the publishing pipeline through intervideosink/src: seeking back to
        the start at its end never disturbs the live timestamps the SFU sees.
        """
        if not os.path.isfile(path) or not os.access(path, os.R_OK):
            raise PlanError(f"cannot read the file {path}")
        channel = f"counterwatch-{os.getpid()}"
        self.file_pipeline = Gst.Pipeline.new("file")
        src = make("filesrc", location=path)
        decode = make("decodebin")
        self.file_pipeline.add(src)
        self.file_pipeline.add(decode)
        src.link(decode)
        sink = make("intervideosink", channel=channel, sync=True)
        chain = convert + [sink]
        for element in chain:
            self.file_pipeline.add(element)
        for a, b in zip(chain, chain[1:]):
            a.link(b)
        self.link_decoded_video(decode, chain[0], self.file_pipeline)
        src = make("intervideosrc", channel=channel)
        _, last = self.add(src, caps(raw))
        return last

    @staticmethod
    def link_decoded_video(decode, first, pipeline):
        """Links decodebin's first video pad to `first`; its other streams (a file's sound) are drained."""
        linked = {"video": False}

        def on_pad(_decode, pad):
            name = pad.get_current_caps().get_structure(0).get_name()
            if name.startswith("video/") and not linked["video"]:
                linked["video"] = True
                pad.link(first.get_static_pad("sink"))
                return
            sink = make("fakesink", sync=False)
            sink.set_property("async", False)
            pipeline.add(sink)
            sink.sync_state_with_parent()
            pad.link(sink.get_static_pad("sink"))

        decode.connect("pad-added", on_pad)

    def test_picture(self, spec):
        """The test picture at one rendition's size and rate, with the counter's name and clock."""
        raw = f"video/x-raw,format=I420,width={spec['width']},height={spec['height']},framerate={spec['fps']}/1"
        # Still bars (the noise patch and the clock still move): moving bars would stand at other
        # places in the two renditions (videotestsrc moves them by frames), and the focus view's
        # switch from the grid picture to the full one would jump.
        src = make("videotestsrc", is_live=True, pattern="smpte")
        _, last = self.add(src, caps(raw))
        return self.overlay(last)

    def overlay(self, last):
        """
        The counter's name above the middle, the clock below it: as the ffmpeg test picture. Sized
        for the focus picture: the overlays scale their font to a picture's width (auto-resize).
        """
        height = self.plan["renditions"]["focus"]["height"]
        name = self.plan.get("caption")
        elements = []
        if name:
            elements.append(
                make(
                    "textoverlay",
                    # textoverlay reads Pango markup: the name is escaped, printed as is.
                    text=GLib.markup_escape_text(name),
                    valignment="position",
                    ypos=0.40,
                    halignment="center",
                    shaded_background=True,
                    font_desc=f"DejaVu Sans Bold {max(8, height // 18)}",
                )
            )
        elements.append(
            make(
                "clockoverlay",
                time_format="%H:%M:%S",
                valignment="position",
                ypos=0.58,
                halignment="center",
                shaded_background=True,
                font_desc=f"DejaVu Sans {max(8, height // 26)}",
            )
        )
        for element in elements:
            self.pipeline.add(element)
            last.link(element)
            last = element
        return last

    def rate_cap(self, spec):
        """
        A camera's picture at the rendition's size, at most at its rate: frames over
        the rate are dropped, never held to time a later one (videorate's default
        holds each frame until the next arrives), and a slower camera keeps its
        own rate instead of failing to negotiate.
        """
        rate = make("videorate", drop_only=True, max_rate=spec["fps"])
        size = f"video/x-raw,format=I420,width={spec['width']},height={spec['height']}"
        return [rate, caps(f"{size},framerate=[1/1,{spec['fps']}/1]")]

    def rtsp_camera(self, url):
        """The IP camera, opened once for its picture and its sound."""
        if self.camera is None:
            self.camera = RtspCamera(self.pipeline, url, make)
        return self.camera

    def audio_source(self):
        audio = self.plan["audio"]
        if audio["kind"] == "test":
            src = [make("audiotestsrc", is_live=True, freq=440.0, volume=0.12)]
        elif audio["kind"] == "alsa":
            src = [make("alsasrc", device=audio["device"])]
        elif audio["kind"] == "rtsp" and self.plan["video"]["kind"] == "rtsp":
            src = []
        else:
            raise PlanError(f"GStreamer cannot open a {audio['kind']} sound source")
        rate = self.plan["audioBitrateKbps"] * 1000
        first, last = self.add(
            *src,
            make("audioconvert"),
            make("audioresample"),
            caps("audio/x-raw,rate=48000,channels=2"),
            make("queue", max_size_time=200 * Gst.MSECOND, leaky="downstream"),
            make("opusenc", bitrate=rate, audio_type="restricted-lowdelay", frame_size=20),
        )
        if not src:
            self.rtsp_camera(self.plan["video"]["url"]).link_audio(first)
        return last

    # --- encoders -----------------------------------------------------------

    def video_encoder(self, track):
        spec = self.plan["renditions"][track]
        codec = self.plan["codec"]
        gop = max(1, round(spec["fps"] * self.plan["keyframeIntervalSeconds"]))
        raw = f"video/x-raw,format=I420,width={spec['width']},height={spec['height']},framerate={spec['fps']}/1"
        # Late frames are dropped here, not queued: a live picture, never a backlog.
        chain = [
            make("queue", max_size_buffers=3, max_size_time=0, max_size_bytes=0, leaky="downstream"),
            make("videoscale"),
        ]
        if self.plan["video"]["kind"] == "rtsp":
            chain += self.rate_cap(spec)
        else:
            chain += [make("videorate", drop_only=True), caps(raw)]
        if codec == "vp8":
            encoder = make(
                "vp8enc",
                deadline=1,
                cpu_used=8,
                threads=1,
                lag_in_frames=0,
                end_usage="cbr",
                target_bitrate=spec["bitrateKbps"] * 1000,
                keyframe_max_dist=gop,
                keyframe_mode="auto",
                error_resilient="default",
                buffer_size=1000,
                buffer_initial_size=500,
                buffer_optimal_size=600,
            )
            chain += [encoder]
        elif codec == "h264":
            encoder = make(
                "x264enc",
                tune="zerolatency",
                speed_preset="ultrafast",
                bitrate=spec["bitrateKbps"],
                vbv_buf_capacity=1000,
                key_int_max=gop,
                bframes=0,
                threads=1,
            )
            chain += [encoder, caps("video/x-h264,profile=constrained-baseline,stream-format=byte-stream")]
        else:
            raise PlanError(f"unknown codec {codec}")
        first, last = self.add(*chain)
        encoder.get_static_pad("src").add_probe(
            Gst.PadProbeType.EVENT_UPSTREAM, self._on_upstream_event, track
        )
        if track == "focus":
            encoder.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, self._count_frame)
        return first, last

    def payloader(self, kind, target):
        common = {"pt": target["payloadType"], "ssrc": target["ssrc"], "mtu": MTU}
        if kind == "audio":
            return make("rtpopuspay", **common)
        if self.plan["codec"] == "vp8":
            return make("rtpvp8pay", picture_id_mode="15-bit", **common)
        # SPS and PPS before every keyframe, so a viewer joining on a requested keyframe can decode it.
        return make("rtph264pay", config_interval=-1, aggregate_mode="zero-latency", **common)

    # --- network ------------------------------------------------------------

    # --- probes and bus -----------------------------------------------------

    def _on_upstream_event(self, _pad, info, track):
        event = info.get_event()
        if event is not None and event.type == Gst.EventType.CUSTOM_UPSTREAM:
            structure = event.get_structure()
            if structure is not None and structure.get_name() == "GstForceKeyUnit":
                self.forced += 1
                log(f"keyframe requested by the SFU: {track}")
        return Gst.PadProbeReturn.OK

    def _count_frame(self, _pad, _info):
        self.frames += 1
        return Gst.PadProbeReturn.OK

    def _count_bytes(self, _pad, info):
        if info.type & Gst.PadProbeType.BUFFER_LIST:
            buffers = info.get_buffer_list()
            self.bytes += sum(buffers.get(i).get_size() for i in range(buffers.length()))
        else:
            self.bytes += info.get_buffer().get_size()
        return Gst.PadProbeReturn.OK

    def _report(self):
        now = time.monotonic()
        at, frames = self.last
        fps = (self.frames - frames) / max(1e-3, now - at)
        self.last = (now, self.frames)
        sys.stdout.write(
            f"frame={self.frames}\nfps={fps:.1f}\ntotal_size={self.bytes}\n"
            f"out_time_us={int((now - self.started) * 1e6)}\nkeyframes_forced={self.forced}\n"
            "progress=continue\n"
        )
        sys.stdout.flush()
        return True

    def _on_message(self, _bus, message):
        if message.type == Gst.MessageType.ERROR:
            error, debug = message.parse_error()
            log(f"error from {message.src.get_name()}: {error.message}")
            if debug:
                log(debug.splitlines()[0][:300])
            self.exit_code = 1
            self.loop.quit()
        elif message.type == Gst.MessageType.EOS:
            log("end of stream")
            self.exit_code = 1
            self.loop.quit()

    def _on_file_message(self, _bus, message):
        if message.type == Gst.MessageType.ERROR:
            self._on_message(_bus, message)
        elif message.type == Gst.MessageType.ASYNC_DONE and not self._file_seeked:
            # Prerolled: from now on the file plays in segments, each end announced, never EOS.
            self._file_seeked = True
            self.file_pipeline.seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH | Gst.SeekFlags.SEGMENT, 0)
        elif message.type == Gst.MessageType.SEGMENT_DONE:
            # Back to the start without a flush: running time goes on, so does the pacing.
            self.file_pipeline.seek_simple(Gst.Format.TIME, Gst.SeekFlags.SEGMENT, 0)
        elif message.type == Gst.MessageType.EOS:
            self.file_pipeline.seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH, 0)

    # --- life ---------------------------------------------------------------

    def build(self):
        targets = self.plan["targets"]
        # The test picture is drawn once per rendition at its own rate. One 20 fps picture thinned
        # to the grid's 15 keeps frames 50, 50 and 100 ms apart, and Chromium's renderer drops
        # frames of so uneven a stream (17-73 of 225 per tile in 15 s). A camera is one picture, teed.
        tee = None
        if self.plan["video"]["kind"] != "test":
            tee = make("tee", allow_not_linked=True)
            self.pipeline.add(tee)
            self.video_source().link(tee)
        for index, track in enumerate(("focus", "grid")):
            first, last = self.video_encoder(track)
            if tee is None:
                self.test_picture(self.plan["renditions"][track]).link(first)
            else:
                tee.request_pad_simple("src_%u").link(first.get_static_pad("sink"))
            self.sender.session(index, self.payloader("video", targets[track]), last, targets[track])
        if targets.get("audio"):
            audio = targets["audio"]
            self.sender.session(2, self.payloader("audio", audio), self.audio_source(), audio)

    def run(self):
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self._on_message)
        GLib.timeout_add(1000, self._report)
        for signum in (signal.SIGTERM, signal.SIGINT):
            GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, self.loop.quit)
        if self.file_pipeline is not None:
            self._file_seeked = False
            file_bus = self.file_pipeline.get_bus()
            file_bus.add_signal_watch()
            file_bus.connect("message", self._on_file_message)
            if self.file_pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
                log("the file would not open")
                self._drain_errors(file_bus)
                return 1
        if self.pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
            log("the pipeline would not start (is the source there?)")
            self._drain_errors(bus)
            return 1
        if self.clock_feeder is not None:
            self.clock_feeder.start()
        self.loop.run()
        if self.clock_feeder is not None:
            self.clock_feeder.stop()
        self.pipeline.set_state(Gst.State.NULL)
        if self.file_pipeline is not None:
            self.file_pipeline.set_state(Gst.State.NULL)
        self.sender.close()
        return self.exit_code

    def _drain_errors(self, bus):
        while True:
            message = bus.pop_filtered(Gst.MessageType.ERROR)
            if message is None:
                return
            error, _debug = message.parse_error()
            log(f"error from {message.src.get_name()}: {error.message}")


def main():
    Gst.init(None)
    if sys.argv[1:] == ["--check"]:
        missing = [name for name in NEEDED if Gst.ElementFactory.find(name) is None]
        if missing:
            log("missing GStreamer elements: " + " ".join(missing))
            return 1
        return 0
    if sys.argv[1:]:
        log("usage: gst_publisher.py [--check]   (the plan comes on stdin)")
        return 64
    line = sys.stdin.readline()
    try:
        plan = json.loads(line)
        publisher = Publisher(plan)
        publisher.build()
    except (ValueError, KeyError, TypeError, PlanError, GLib.Error) as error:
        log(f"bad plan: {error}")
        return 65
    return publisher.run()


if __name__ == "__main__":
    sys.exit(main())
