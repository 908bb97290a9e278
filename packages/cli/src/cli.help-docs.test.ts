import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './testing/run-cli';

/** One command as its --help describes it. */
interface Help {
  path: string;
  args: string[];
  options: string[];
  text: string;
}

/** One row of the command table in docs/cli.md. */
interface DocRow {
  path: string;
  args: string[];
  options: string[];
  text: string;
}

let env: TestEnv;
const help = (args: string[]) => runCli([...args, '--help'], { databaseUrl: env.databaseUrl }).then((r) => r.stdout);

/** The section of a help text under `title:`, up to the next blank line. */
function section(text: string, title: string): string[] {
  const at = text.indexOf(`\n${title}:\n`);
  if (at === -1) return [];
  const body = text.slice(at + title.length + 3);
  return body.slice(0, body.search(/\n\n|$/)).split('\n');
}

/** Every leaf command reachable from `rt --help`, with its arguments and long options. */
async function walk(path: string[] = []): Promise<Help[]> {
  const text = await help(path);
  const subcommands = section(text, 'Commands')
    .filter((l) => /^ {2}\S/.test(l))
    .map((l) => l.trim().split(/\s+/)[0]!)
    .filter((name) => name !== 'help');
  if (subcommands.length) return (await Promise.all(subcommands.map((c) => walk([...path, c])))).flat();
  const usage = /^Usage: rt (.*)$/m.exec(text)![1]!;
  return [
    {
      path: path.join(' '),
      args: usage.match(/<[^>]+>/g) ?? [],
      options: section(text, 'Options')
        .flatMap((l) => /^ {2}(?:-\w, )?(--[a-z-]+)/.exec(l)?.[1] ?? [])
        .filter((o) => o !== '--help'),
      text,
    },
  ];
}

function docRows(): DocRow[] {
  const doc = readFileSync(join(import.meta.dirname, '../../../docs/cli.md'), 'utf8');
  return doc
    .split('\n')
    .filter((l) => l.startsWith('| `rt '))
    .map((line) => {
      const synopsis = /^\| `rt ([^`]+)`/.exec(line)![1]!.replace(/\\\|/g, '|');
      const words = synopsis.split(' ');
      const end = words.findIndex((w) => /^[<[(-]/.test(w));
      return {
        path: (end === -1 ? words : words.slice(0, end)).join(' '),
        args: synopsis.match(/<[a-z.]+>/g)?.filter((a) => !/<(days|date)/.test(a)) ?? [],
        options: [...new Set(synopsis.match(/--[a-z-]+/g) ?? [])],
        text: line,
      };
    });
}

let commands: Help[];
let rows: DocRow[];
beforeAll(async () => {
  env = await createTestEnv();
  commands = await walk();
  rows = docRows();
});
afterAll(() => env.close());

describe('docs/cli.md and every --help agree', () => {
  it('documents every command once, and documents no command that does not exist', () => {
    expect(commands.length).toBeGreaterThan(15);
    expect(rows.map((r) => r.path).sort()).toEqual(commands.map((c) => c.path).sort());
  });

  it('gives each command the same options and arguments in both', () => {
    for (const c of commands) {
      const row = rows.find((r) => r.path === c.path)!;
      expect({ path: c.path, options: [...row.options].sort() }).toEqual({
        path: c.path,
        options: [...c.options].sort(),
      });
      // Argument placeholders (not option values, which come after an option in the synopsis).
      const positional = row.args.filter((a) => !new RegExp(`--[a-z-]+ ${a.replace(/[.]/g, '\\.')}`).test(row.text));
      expect({ path: c.path, args: positional }).toEqual({ path: c.path, args: c.args });
    }
  });

  it('tells the same story where they used to disagree', () => {
    const byPath = (p: string) => [commands.find((c) => c.path === p)!.text, rows.find((r) => r.path === p)!.text];
    for (const text of byPath('dlq list')) expect(text).toContain('newest first');
    for (const text of byPath('spool list')) expect(text).toContain('oldest first');
    const [eraseHelp, eraseDoc] = byPath('erase');
    expect(eraseHelp).toMatch(/Erase a visitor's personal data now[\s\S]*--queue/);
    expect(eraseDoc).toMatch(/erases a person's data at once.*with `--queue`, queues/);
    expect(byPath('partners add')[0]).toContain('e.g. demo-news');
    expect(byPath('partners add')[1]).toContain('e.g. `demo-news`');
    expect(byPath('sites add')[0]).toContain('e.g. demo-shop');
  });
});
