"""The publisher's way to the SFU: rtpbin sessions sent over SRTP, the SFU's RTCP received back.

Per session (focus, grid, sound): payloader → rtpbin → srtpenc → udpsink to
the SFU's RTP port; the session's RTCP goes out encrypted from a socket of its
own to the SFU's RTCP port, and the SFU's RTCP coming back on that same socket
(the comedia transport answers where our RTCP came from) is decrypted with the
SFU's key and fed to rtpbin, which turns a PLI or FIR into a GstForceKeyUnit
event upstream.
"""

import base64
import socket

from gi.repository import Gio, Gst

from gst_elements import PlanError, link, make

SUITE = {"cipher": "aes-128-icm", "auth": "hmac-sha1-80"}


def key_bytes(b64):
    raw = base64.b64decode(b64, validate=True)
    if len(raw) != 30:
        raise PlanError("an SRTP key must be 30 bytes")
    return raw


def resolve(host):
    info = socket.getaddrinfo(host, None, type=socket.SOCK_DGRAM)[0]
    family = Gio.SocketFamily.IPV6 if info[0] == socket.AF_INET6 else Gio.SocketFamily.IPV4
    return family, info[4][0]


class SrtpSender:
    """rtpbin and its sessions in `pipeline`; `count_bytes` is a pad probe on every RTP sink."""

    def __init__(self, pipeline, count_bytes):
        self.pipeline = pipeline
        self.count_bytes = count_bytes
        self.sockets = []
        self.send_pads = {}
        self.rtpbin = make("rtpbin", rtp_profile="avpf")
        pipeline.add(self.rtpbin)
        self.rtpbin.connect("pad-added", self._on_rtpbin_pad)

    def session(self, index, pay, last, target):
        """Links `last` → `pay` into rtpbin session `index` and wires it to the SFU, SRTP both ways."""
        family, address = resolve(target["host"])
        enc = make("srtpenc", key=Gst.Buffer.new_wrapped(key_bytes(target["key"])))
        for prop in ("rtp-cipher", "rtcp-cipher"):
            enc.set_property(prop, SUITE["cipher"])
        for prop in ("rtp-auth", "rtcp-auth"):
            enc.set_property(prop, SUITE["auth"])
        rtp_sink = make("udpsink", host=address, port=target["port"], sync=False)
        rtp_sink.set_property("async", False)
        rtp_sink.get_static_pad("sink").add_probe(
            Gst.PadProbeType.BUFFER | Gst.PadProbeType.BUFFER_LIST, self.count_bytes
        )

        # One socket sends our RTCP and receives the SFU's: comedia answers where our RTCP came from.
        rtcp_socket = Gio.Socket.new(family, Gio.SocketType.DATAGRAM, Gio.SocketProtocol.UDP)
        any_address = Gio.InetAddress.new_any(family)
        rtcp_socket.bind(Gio.InetSocketAddress.new(any_address, 0), False)
        self.sockets.append(rtcp_socket)
        rtcp_sink = make("udpsink", host=address, port=target["rtcpPort"], socket=rtcp_socket, sync=False)
        rtcp_sink.set_property("async", False)
        rtcp_sink.set_property("close-socket", False)
        # Anyone may send to this socket; srtpdec drops whatever is not authenticated with the SFU's key.
        rtcp_src = make(
            "udpsrc", socket=rtcp_socket, close_socket=False, caps=Gst.Caps.from_string("application/x-srtcp")
        )
        dec = make("srtpdec")
        sfu_key = target.get("sfuKey")
        dec.connect("request-key", lambda _dec, _ssrc: sfu_caps(sfu_key))
        for element in (enc, rtp_sink, rtcp_sink, rtcp_src, dec):
            self.pipeline.add(element)

        self.send_pads[index] = (enc, rtp_sink)
        # rtpbin adds send_rtp_src_<index> as soon as the sink is requested: the pads above must exist by then.
        self.pipeline.add(pay)
        last.link(pay)
        link(pay, "src", self.rtpbin, f"send_rtp_sink_{index}")
        link(self.rtpbin, f"send_rtcp_src_{index}", enc, f"rtcp_sink_{index}")
        link(enc, f"rtcp_src_{index}", rtcp_sink, "sink")
        link(rtcp_src, "src", dec, "rtcp_sink")
        link(dec, "rtcp_src", self.rtpbin, f"recv_rtcp_sink_{index}")

        # Our RTCP every second, not every five: the SFU learns where to send keyframe requests sooner.
        rtp_session = self.rtpbin.emit("get-internal-session", index)
        if rtp_session is not None:
            rtp_session.set_property("rtcp-min-interval", Gst.SECOND)

    def close(self):
        for s in self.sockets:
            s.close()

    def _on_rtpbin_pad(self, _rtpbin, pad):
        name = pad.get_name()
        if name.startswith("send_rtp_src_"):
            index = int(name.rsplit("_", 1)[1])
            enc, rtp_sink = self.send_pads[index]
            pad.link(enc.request_pad_simple(f"rtp_sink_{index}"))
            link(enc, f"rtp_src_{index}", rtp_sink, "sink")


def sfu_caps(sfu_key):
    """The caps that give srtpdec the SFU's key for its RTCP."""
    if not sfu_key:
        # No key for the SFU's RTCP (an older server): its packets are dropped, keyframes stay periodic.
        return None
    return Gst.Caps.from_string(
        "application/x-srtcp,srtp-key=(buffer){},srtp-cipher={c},srtp-auth={a},srtcp-cipher={c},srtcp-auth={a}".format(
            key_bytes(sfu_key).hex(), c=SUITE["cipher"], a=SUITE["auth"]
        )
    )
