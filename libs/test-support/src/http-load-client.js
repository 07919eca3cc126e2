// The load generator process of http-load.ts: keep-alive GETs with N in flight for S seconds.
// argv: <url> <seconds> <concurrency> <token>; prints one JSON line. `{n}` in the URL becomes the
// request's sequence number, so every request is a different URL (no cache can answer it).
const http = require('node:http');
const [url, seconds, concurrency, token] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const latencies = [];
let errors = 0;
let sequence = 0;
const end = Date.now() + Number(seconds) * 1000;
function one() {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    http
      .get(url.replace('{n}', String(sequence++)), { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) errors++;
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          resolve();
        });
      })
      .on('error', () => {
        errors++;
        resolve();
      });
  });
}
async function worker() {
  while (Date.now() < end) await one();
}
const started = Date.now();
Promise.all(Array.from({ length: Number(concurrency) }, worker)).then(() => {
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  console.log(JSON.stringify({ requests: latencies.length, errors, rps: Math.round(latencies.length / elapsed), p50: q(0.5), p99: q(0.99) }));
  agent.destroy();
});
