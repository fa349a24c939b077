"""Small helpers the publisher's modules share: making, filtering and linking elements."""

import sys

from gi.repository import Gst


def log(message):
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


class PlanError(Exception):
    pass


def make(factory, **props):
    element = Gst.ElementFactory.make(factory, None)
    if element is None:
        raise PlanError(f"GStreamer element {factory} is missing")
    for key, value in props.items():
        element.set_property(key.replace("_", "-"), value)
    return element


def caps(text):
    return make("capsfilter", caps=Gst.Caps.from_string(text))


def link(a, a_pad, b, b_pad):
    src = a.get_static_pad(a_pad) or a.request_pad_simple(a_pad)
    sink = b.get_static_pad(b_pad) or b.request_pad_simple(b_pad)
    if src is None or sink is None or src.link(sink) != Gst.PadLinkReturn.OK:
        raise PlanError(f"cannot link {a.get_name()}.{a_pad} to {b.get_name()}.{b_pad}")
