import type { Hono } from 'hono';

/** Drives an app through `app.request()` like a browser: keeps its cookies, follows redirects on request. */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: Hono,
    readonly origin: string,
  ) {}

  async get(path: string): Promise<Response> {
    return this.send(path, { method: 'GET' });
  }

  async post(path: string, fields: Record<string, string>): Promise<Response> {
    const body = new URLSearchParams(fields).toString();
    return this.send(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** The page a redirect answer points to. */
  async follow(res: Response): Promise<Response> {
    const location = res.headers.get('location');
    if (!location || res.status < 300 || res.status > 399) throw new Error(`not a redirect: ${res.status}`);
    return this.get(location);
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    const url = path.startsWith('http') ? path : `${this.origin}${path}`;
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await this.app.request(url, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  }
}

export interface ParsedRtCall {
  fn: string;
  type?: string;
  props?: any;
}

/** The rt() calls a page makes, in order, parsed back from its inline script (so their JSON must parse). */
export function rtCalls(page: string): ParsedRtCall[] {
  const script = page.match(/<script>window\.rt=window\.rt\|\|[^\n]*\n([\s\S]*?)<\/script>/);
  if (!script?.[1]) return [];
  return script[1]
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const m = line.match(/^rt\('(\w+)'(?:,'(\w+)')?(?:,(\{.*\}))?\);$/);
      if (!m) throw new Error(`unexpected line in the tag script: ${line}`);
      const call: ParsedRtCall = { fn: m[1]! };
      if (m[2]) call.type = m[2];
      if (m[3]) call.props = JSON.parse(m[3]);
      return call;
    });
}
