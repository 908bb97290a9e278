import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

type Cell = string | number | boolean | null | undefined | Date;

/** COPY text format: backslash escapes, \N for null. */
function cell(v: Cell): string {
  if (v === null || v === undefined) return '\\N';
  if (v instanceof Date) return v.toISOString();
  const s = typeof v === 'string' ? v : String(v);
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : s;
}

/** One COPY … FROM STDIN stream on its own connection, fed row by row with backpressure. */
export class CopyWriter {
  rows = 0;
  private buffer = '';
  private constructor(
    private readonly client: pg.PoolClient,
    private readonly stream: NodeJS.WritableStream,
  ) {}

  static async open(pool: pg.Pool, table: string, columns: readonly string[]): Promise<CopyWriter> {
    const client = await pool.connect();
    const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
    return new CopyWriter(client, stream);
  }

  /** Buffers a row; call `flushIfFull()` between batches of rows so the stream sees backpressure. */
  row(values: Cell[]): void {
    this.buffer += `${values.map(cell).join('\t')}\n`;
    this.rows++;
  }

  async flushIfFull(): Promise<void> {
    if (this.buffer.length >= 1 << 16) await this.flush();
  }

  private async flush(): Promise<void> {
    const chunk = this.buffer;
    this.buffer = '';
    if (chunk && !this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async end(): Promise<void> {
    try {
      await this.flush();
      const done = once(this.stream, 'finish');
      this.stream.end();
      await done;
    } finally {
      this.client.release();
    }
  }
}
