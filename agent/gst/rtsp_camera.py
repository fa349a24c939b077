"""An IP camera opened by the GStreamer publisher: RTSP over TCP, decoded at once.

The camera's URL (with its password) comes in the publisher's plan on stdin,
never on the command line. `uridecodebin` opens it through `rtspsrc` and plugs
the depayloader and decoder for whatever the camera sends (H.264, H.265, MJPEG;
AAC, G.711, Opus). Set up for a live picture rather than a smooth one:

- `latency=0`: the jitter buffer hands each frame on as it completes. Over TCP
  nothing arrives out of order, so waiting would only add delay.
- TCP, as the ffmpeg path: it survives NAT and lossy Wi-Fi better than UDP.
- A camera silent for 5 s is a read error (the publisher exits and the agent
  probes and restarts it) instead of a hang.
- Decoders thread by slice, never by frame: each frame thread holds one more
  frame back.
"""

from gi.repository import Gst

# rtspsrc's tcp-timeout is in microseconds: the ffmpeg path's `-timeout` too.
TCP_TIMEOUT_US = 5_000_000


class RtspCamera:
    """One camera's streams, each decoded pad linked where the publisher asks."""

    def __init__(self, pipeline, url, make):
        self.pipeline = pipeline
        self.make = make
        self.sinks = {"video": None, "audio": None}
        self.linked = set()
        self.decode = make("uridecodebin", uri=url)
        self.decode.connect("source-setup", self._on_source)
        self.decode.connect("deep-element-added", self._on_element)
        self.decode.connect("pad-added", self._on_pad)
        pipeline.add(self.decode)

    def link_video(self, first):
        """The camera's decoded picture goes into `first`."""
        self.sinks["video"] = first

    def link_audio(self, first):
        """The camera's decoded sound goes into `first`; without it the sound is drained."""
        self.sinks["audio"] = first

    @staticmethod
    def _on_source(_decode, source):
        source.set_property("latency", 0)
        Gst.util_set_object_arg(source, "protocols", "tcp")
        source.set_property("tcp-timeout", TCP_TIMEOUT_US)

    @staticmethod
    def _on_element(_decode, _bin, element):
        factory = element.get_factory()
        if factory is not None and factory.get_name().startswith("avdec_"):
            if element.find_property("thread-type") is not None:
                Gst.util_set_object_arg(element, "thread-type", "slice")

    def _on_pad(self, _decode, pad):
        current = pad.get_current_caps() or pad.query_caps(None)
        name = current.get_structure(0).get_name() if current.get_size() > 0 else ""
        kind = "video" if name.startswith("video/") else "audio" if name.startswith("audio/") else None
        first = self.sinks.get(kind) if kind else None
        if first is not None and kind not in self.linked:
            self.linked.add(kind)
            pad.link(first.get_static_pad("sink"))
            return
        sink = self.make("fakesink", sync=False)
        sink.set_property("async", False)
        self.pipeline.add(sink)
        sink.sync_state_with_parent()
        pad.link(sink.get_static_pad("sink"))
