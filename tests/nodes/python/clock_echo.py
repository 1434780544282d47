#!/usr/bin/env python3
"""clock_echo.py -- an echo node (workload echo, deserves valid) that also
says on stderr how far its clock is from the kernel's: on every echo it
logs "clock-offset S", time.time() minus the boot time /proc/stat gives
(btime) minus the uptime /proc/uptime gives. Reading those files is no
clock call, so libfaketime cannot shift them: the offset is about 0 on a
true clock and jumps by the skew when the lab shifts this node's clock.
tests/chaos_clock_skew_node.t reads it.
"""
import sys
import time

from maelstrom import Node

node = Node()


def kernel_time():
    with open("/proc/stat") as f:
        btime = next(int(line.split()[1]) for line in f if line.startswith("btime"))
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return btime + uptime


@node.handler("echo")
def echo(msg):
    print("clock-offset %.3f" % (time.time() - kernel_time()), file=sys.stderr, flush=True)
    node.reply(msg, {"type": "echo_ok", "echo": msg["body"]["echo"]})


node.run()
