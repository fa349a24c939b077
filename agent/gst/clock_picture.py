"""A live test picture that carries the wall clock in machine-readable bars.

Glass-to-glass latency is the time from a picture's capture to the screen
showing it. This picture writes its capture time (milliseconds since the Unix
epoch, modulo 2**32) in its top-left corner as 36 square blocks, black for 0
and white for 1: bits 0–31 the time, lowest first, bits 32–35 a check (the sum
of the time's eight nibbles, modulo 16). A viewer on the same clock reads the
blocks off the decoded frame and subtracts: the console's benchmark
(`npm run bench:glass`) does, and an IT officer can point a browser at it on
site. The blocks are a fortieth of the width, so they survive the encoder and
the grid rendition's downscale.

Used by the agent's GStreamer publisher (`--video clock`) and by the test IP
camera (tests/support/rtsp_server.py, mount /clock).
"""

import time

from gi.repository import GLib, Gst

BLOCKS = 36
BLACK, WHITE, GREY = 16, 235, 96


def encode(ms):
    """The 36 bits for a time in ms: 32 bits of time, 4 of check."""
    value = ms & 0xFFFFFFFF
    check = sum((value >> (4 * i)) & 0xF for i in range(8)) & 0xF
    return value | (check << 32)


class ClockPicture:
    """I420 frames of `width`×`height`; `frame(ms)` returns one stamped with `ms`."""

    def __init__(self, width, height):
        self.width = width
        self.height = height
        self.block = max(4, width // 40)
        luma = bytearray([GREY]) * (width * height)
        chroma = bytes([128]) * (2 * (width // 2) * (height // 2))
        self.base = luma
        self.chroma = chroma
        self.count = 0

    def frame(self, ms):
        w, b = self.width, self.block
        luma = bytearray(self.base)
        bits = encode(ms)
        for i in range(BLOCKS):
            row = bytes([WHITE if (bits >> i) & 1 else BLACK]) * b
            x = b // 2 + i * b
            for r in range(b):
                start = (b // 2 + r) * w + x
                luma[start : start + b] = row
        # A square that moves, so the encoder sends a moving picture as a camera would.
        self.count += 1
        side = max(8, self.height // 6)
        x0 = (self.count * 4) % max(1, w - side)
        y0 = self.height // 2
        white = bytes([WHITE]) * side
        for r in range(side):
            start = (y0 + r) * w + x0
            luma[start : start + side] = white
        return bytes(luma) + self.chroma


class ClockFeeder:
    """Pushes a ClockPicture into an appsrc at `fps`, each frame stamped when pushed."""

    def __init__(self, appsrc, width, height, fps):
        self.appsrc = appsrc
        self.picture = ClockPicture(width, height)
        self.interval_ms = max(1, round(1000 / fps))
        self.source_id = None
        appsrc.set_property("is-live", True)
        appsrc.set_property("do-timestamp", True)
        appsrc.set_property("format", Gst.Format.TIME)
        appsrc.set_property(
            "caps",
            Gst.Caps.from_string(f"video/x-raw,format=I420,width={width},height={height},framerate={fps}/1"),
        )

    def start(self):
        if self.source_id is None:
            self.source_id = GLib.timeout_add(self.interval_ms, self.push)

    def stop(self):
        if self.source_id is not None:
            GLib.source_remove(self.source_id)
            self.source_id = None

    def push(self):
        ms = int(time.time() * 1000)
        buffer = Gst.Buffer.new_wrapped(self.picture.frame(ms))
        result = self.appsrc.emit("push-buffer", buffer)
        if result != Gst.FlowReturn.OK and result != Gst.FlowReturn.FLUSHING:
            self.source_id = None
            return False
        return True
