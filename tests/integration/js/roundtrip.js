// MQTT.js round trip against the broker on 127.0.0.1:PORT.
// Usage: node roundtrip.js PORT
// MQTT 5: subscribe (QoS 1, subscription identifier), publish QoS 0/1/2 with
// user properties and request/response properties, receive all three back;
// MQTT 3.1.1: a second client publishes a retained message that the first sees.
// Prints "OK" and exits 0 on success; prints the reason and exits 1 otherwise.
'use strict';
const mqtt = require('mqtt');

const port = Number(process.argv[2]);
if (!port) {
  console.error('usage: node roundtrip.js PORT');
  process.exit(2);
}
const url = `mqtt://127.0.0.1:${port}`;

const deadline = setTimeout(() => fail('timed out after 15s'), 15000);
function fail(why) {
  console.error('FAIL: ' + why);
  process.exit(1);
}

function connect(opts) {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, Object.assign({ reconnectPeriod: 0, connectTimeout: 5000 }, opts));
    c.once('connect', (connack) => resolve([c, connack]));
    c.once('error', reject);
  });
}

async function main() {
  const [sub, connack] = await connect({ protocolVersion: 5, clientId: 'js-sub', clean: true });
  if (connack.reasonCode !== 0) fail('connack ' + connack.reasonCode);
  const received = [];
  sub.on('message', (topic, payload, packet) => received.push({ topic, payload: payload.toString(), packet }));
  await sub.subscribeAsync('js/t/#', { qos: 1, properties: { subscriptionIdentifier: 17 } });

  const [pub] = await connect({ protocolVersion: 5, clientId: 'js-pub' });
  for (const qos of [0, 1, 2]) {
    await pub.publishAsync(`js/t/${qos}`, `q${qos}`, {
      qos,
      properties: {
        userProperties: { lang: 'js', n: String(qos) },
        responseTopic: 'js/resp',
        correlationData: Buffer.from('corr' + qos),
        contentType: 'text/plain',
      },
    });
  }
  const [v4] = await connect({ protocolVersion: 4, clientId: 'js-v4' });
  await v4.publishAsync('js/t/retained', 'r', { qos: 1, retain: true });

  const start = Date.now();
  while (received.length < 4 && Date.now() - start < 10000) {
    await new Promise((r) => setTimeout(r, 20));
  }
  if (received.length !== 4) fail('received ' + received.length + ' messages, expected 4');
  for (const qos of [0, 1, 2]) {
    const m = received.find((x) => x.topic === `js/t/${qos}`);
    if (!m) fail('missing js/t/' + qos);
    if (m.payload !== `q${qos}`) fail('payload ' + m.payload);
    if (m.packet.qos !== Math.min(qos, 1)) fail(`qos ${m.packet.qos} for published ${qos}`);
    const p = m.packet.properties || {};
    if (!p.userProperties || p.userProperties.lang !== 'js' || p.userProperties.n !== String(qos))
      fail('user properties ' + JSON.stringify(p.userProperties));
    if (p.responseTopic !== 'js/resp') fail('response topic ' + p.responseTopic);
    if (!p.correlationData || p.correlationData.toString() !== 'corr' + qos) fail('correlation data');
    if (p.contentType !== 'text/plain') fail('content type ' + p.contentType);
    const ids = [].concat(p.subscriptionIdentifier || []);
    if (!ids.includes(17)) fail('subscription identifier ' + JSON.stringify(p.subscriptionIdentifier));
  }
  const r = received.find((x) => x.topic === 'js/t/retained');
  if (!r || r.payload !== 'r' || r.packet.retain) fail('live retained message ' + JSON.stringify(r && r.packet));

  // a fresh v5 subscriber gets the retained message with the retain flag
  const [late] = await connect({ protocolVersion: 5, clientId: 'js-late' });
  const got = new Promise((resolve) => late.once('message', (t, pl, pk) => resolve(pk)));
  await late.subscribeAsync('js/t/retained', { qos: 1 });
  const pk = await got;
  if (!pk.retain || pk.payload.toString() !== 'r') fail('retained on subscribe');

  await Promise.all([sub, pub, v4, late].map((c) => c.endAsync()));
  clearTimeout(deadline);
  console.log('OK');
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
