#!/usr/bin/env node
// clock_echo.js -- an echo node (workload echo, deserves valid) that also
// says on stderr how far its clock is from the kernel's, as
// tests/nodes/python/clock_echo.py does: on every echo it logs
// "clock-offset S", Date.now() minus the boot time /proc/stat gives minus
// the uptime /proc/uptime gives (file reads, which libfaketime cannot
// shift). It keeps a timer running, so that Node's event loop reads its
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

let ticks = 0;
node.every(10, () => { ticks += 1; });

node.on('echo', (req) => {
  node.log(`clock-offset ${(Date.now() / 1000 - kernelTime()).toFixed(3)}`);
  node.reply(req, { type: 'echo_ok', echo: req.body.echo });
});

node.main();
