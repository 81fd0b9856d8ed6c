// MQTT.js over WebSocket (ws:// or wss://) against the broker.
// Usage: node ws_roundtrip.js URL [CAFILE] [SIZES]
//   URL e.g. ws://127.0.0.1:8083/mqtt or wss://127.0.0.1:8084/mqtt
//   CAFILE: the test CA for wss (verified: rejectUnauthorized stays on)
//   SIZES: comma-separated payload sizes to send through (default "5,65536,1048576")
// Subscribes, publishes each payload at QoS 1 (MQTT 5) and checks it comes
// back intact; then an MQTT 3.1.1 client does the same with QoS 0.
// Prints "OK" and exits 0 on success; prints the reason and exits 1 otherwise.
'use strict';
const fs = require('fs');
const mqtt = require('mqtt');

const [url, cafile, sizesArg] = process.argv.slice(2);
if (!url) {
  console.error('usage: node ws_roundtrip.js URL [CAFILE] [SIZES]');
  process.exit(2);
}
const sizes = (sizesArg || '5,65536,1048576').split(',').map(Number);
const deadline = setTimeout(() => fail('timed out after 30s'), 30000);
function fail(why) {
  console.error('FAIL: ' + why);
  process.exit(1);
}

function connect(opts) {
  const base = { reconnectPeriod: 0, connectTimeout: 5000 };
  if (cafile && cafile !== '-') base.ca = fs.readFileSync(cafile);
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, Object.assign(base, opts));
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

function payloadOf(n, seed) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

async function roundTrip(c, topic, qos) {
  await c.subscribeAsync(topic, { qos });
  for (const [i, n] of sizes.entries()) {
    const want = payloadOf(n, i);
    const got = new Promise((resolve) => c.once('message', (t, p) => resolve(p)));
    await c.publishAsync(topic, want, { qos });
    const p = await got;
    if (!p.equals(want)) fail(`payload of ${n} bytes came back as ${p.length} bytes, different`);
  }
}

async function main() {
  const v5 = await connect({ protocolVersion: 5, clientId: 'ws-js-5' });
  await roundTrip(v5, 'ws/js/5', 1);
  await v5.endAsync();
  const v4 = await connect({ protocolVersion: 4, clientId: 'ws-js-4' });
  await roundTrip(v4, 'ws/js/4', 0);
  await v4.endAsync();
  clearTimeout(deadline);
  console.log('OK');
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
