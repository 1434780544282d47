#!/usr/bin/env node
// clock_echo.js -- an echo node (workload echo, deserves valid) that also
// says on stderr how far its clock is from the kernel's, as
// tests/nodes/python/clock_echo.py does: on every echo it logs
// "clock-offset S", Date.now() minus the boot time /proc/stat gives minus
// the uptime /proc/uptime gives (file reads, which libfaketime cannot
// shift), and "mono-offset S", how far its monotonic clock
// (process.hrtime) has moved from the kernel's uptime since it started,
// which stays near 0 when the bridge leaves that clock true. It keeps a
// timer running, so that Node's event loop reads its
// monotonic clock all the time: libuv aborts when that clock goes back,
// which a negative skew once did (tests/chaos_clock_skew_node.t).
'use strict';
const fs = require('fs');
const { Node } = require('./maelstrom');

const node = new Node();

function kernelTime() {
  const stat = fs.readFileSync('/proc/stat', 'utf8');
  const btime = Number(stat.split('\n').find((l) => l.startsWith('btime')).split(/\s+/)[1]);
  const uptime = Number(fs.readFileSync('/proc/uptime', 'utf8').split(/\s+/)[0]);
  return btime + uptime;
}

function uptime() {
  return Number(fs.readFileSync('/proc/uptime', 'utf8').split(/\s+/)[0]);
}
const mono0 = process.hrtime.bigint();
const uptime0 = uptime();

let ticks = 0;
node.every(10, () => { ticks += 1; });

node.on('echo', (req) => {
  node.log(`clock-offset ${(Date.now() / 1000 - kernelTime()).toFixed(3)}`);
  const mono = Number(process.hrtime.bigint() - mono0) / 1e9;
  node.log(`mono-offset ${(mono - (uptime() - uptime0)).toFixed(3)}`);
  node.reply(req, { type: 'echo_ok', echo: req.body.echo });
});

node.main();
