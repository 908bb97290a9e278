// Open-loop HTTP load at a constant rate, in a process of its own (plain Node, no TypeScript
// loader, little allocation) so the load generator's own pauses stay out of the latencies it
// measures as far as it can. Used by bench/ads-load.ts; prints one JSON line:
// { latencies: number[] (ms, of 200 answers), errors, count, stalls: [atMs, ms][] }.
//
// Usage: node bench/paced-client.mjs <port> <rate/s> <seconds> <path> <cookie prefix> <visitors>
// Each request carries the Cookie header `<prefix><i, 6 digits>` for a random visitor i in 1..visitors.
import net from 'node:net';

const [port, rate, seconds] = process.argv.slice(2, 5).map(Number);
const [path, prefix] = process.argv.slice(5, 7);
const visitors = Number(process.argv[7]);

/** One keep-alive HTTP/1.1 connection, one request at a time (as a browser), answers read whole. */
class Conn {
  constructor() {
    this.buf = Buffer.alloc(0);
    this.done = null;
    this.closed = false;
    this.socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    this.socket.on('data', (d) => this.onData(d));
    const fail = () => {
      this.closed = true;
      const done = this.done;
      this.done = null;
      done?.(0);
    };
    this.socket.on('error', fail);
    this.socket.on('close', fail);
  }

  get(cookie, done) {
    this.done = done;
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\n\r\n`);
  }

  onData(d) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    const head = this.buf.indexOf('\r\n\r\n');
    if (head < 0) return;
    const headers = this.buf.subarray(0, head).toString('latin1');
    const length = /\r\ncontent-length: *(\d+)/i.exec(headers);
    let end = head + 4;
    if (length) end += Number(length[1]);
    else if (/\r\ntransfer-encoding: *chunked/i.test(headers)) {
      const last = this.buf.indexOf('\r\n0\r\n\r\n', head);
      end = last < 0 ? Number.POSITIVE_INFINITY : last + 7;
    }
    if (this.buf.length < end) return;
    this.buf = this.buf.subarray(end);
    const done = this.done;
    this.done = null;
    done?.(Number(headers.slice(9, 12)));
  }
}

const total = rate * seconds;
const latencies = new Float64Array(total);
let answered = 0;
let errors = 0;
let finished = 0;
const stalls = [];
const idle = Array.from({ length: 64 }, () => new Conn());
const waiting = []; // scheduled times of requests waiting for a free connection

const settle = () => {
  if (++finished < total) return;
  for (const c of idle) c.socket.destroy();
  const out = { latencies: Array.from(latencies.subarray(0, answered)), errors, count: total, stalls };
  process.stdout.write(`${JSON.stringify(out)}\n`, () => process.exit(0));
};

/** Sends the request due at `due` on `c`; once answered, `c` takes the next waiting one. */
const dispatch = (c, due) => {
  const i = 1 + Math.floor(Math.random() * visitors);
  c.get(`${prefix}${String(i).padStart(6, '0')}`, (status) => {
    if (status === 200) latencies[answered++] = performance.now() - due;
    else errors++;
    settle();
    const next = waiting.shift();
    if (next !== undefined) dispatch(c.closed ? new Conn() : c, next);
    else if (!c.closed) idle.push(c);
  });
};

const send = (due) => {
  let c = idle.pop();
  while (c?.closed) c = idle.pop();
  // All busy: wait for one (the wait counts), or open another if the backlog grows long.
  if (!c && waiting.length < 256) waiting.push(due);
  else dispatch(c ?? new Conn(), due);
};

const start = performance.now();
let sent = 0;
let last = start;
const tick = () => {
  const now = performance.now();
  // The generator's own pauses (its GC, the scheduler): reported, since they delay sends.
  if (now - last > 5) stalls.push([Math.round(last - start), Math.round(now - last)]);
  last = now;
  const due = Math.min(total, Math.floor(((now - start) / 1000) * rate));
  for (; sent < due; sent++) send(start + (sent * 1000) / rate);
  if (sent < total) setTimeout(tick, 1);
};
tick();
