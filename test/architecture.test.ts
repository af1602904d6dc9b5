/**
 * The layers only import downward (core <- adapters <- remote <- commands, menu), and commands and the
 * menu never import each other. Read from the import lines of every file in src/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');

/** What each layer must not import. Files at the top of src/ (cli.ts, main.ts, boot.ts) may import anything. */
const FORBIDDEN: Record<string, string[]> = {
  core: ['adapters', 'remote', 'commands', 'menu', 'top'],
  adapters: ['remote', 'commands', 'menu', 'top'],
  remote: ['commands', 'menu', 'top'],
  commands: ['menu', 'top'],
  menu: ['commands', 'top'],
};

/** The layer of a path relative to src/: its first folder, or `top`. */
const layerOf = (rel: string) => (rel.includes('/') ? rel.split('/')[0]! : 'top');

/** `from '...'`, `import '...'` and `import('...')` specifiers of a source text. */
export function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

/** The imports of `file` (relative to src/) that break the layering, as `file -> target`. */
export function violations(file: string, text: string): string[] {
  const from = layerOf(file);
  const bad: string[] = [];
  for (const spec of importsOf(text)) {
    if (!spec.startsWith('.')) continue; // packages and node: builtins
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
    if (target.startsWith('..')) {
      bad.push(`${file} -> ${spec} (outside src)`);
      continue;
    }
    if ((FORBIDDEN[from] ?? []).includes(layerOf(target))) bad.push(`${file} -> ${target}`);
  }
  return bad;
}

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : /\.ts$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );

describe('layers', () => {
  it('every import in src/ runs downward, and commands and the menu never import each other', () => {
    const all = files(SRC).map((f) => path.relative(SRC, f).split(path.sep).join('/'));
    expect(all.length).toBeGreaterThan(40);
    expect(all.flatMap((f) => violations(f, readFileSync(path.join(SRC, f), 'utf8')))).toEqual([]);
  });

  it.each([
    ['core/x.ts', "import { run } from '../adapters/run.js';", ['core/x.ts -> adapters/run.js']],
    [
      'core/hosts/x.ts',
      "import type { Ctx } from '../../remote/context.js';",
      ['core/hosts/x.ts -> remote/context.js'],
    ],
    ['adapters/x.ts', "const m = await import('../commands/list.js');", ['adapters/x.ts -> commands/list.js']],
    ['adapters/x.ts', "import { onHost } from '../remote/transport.js';", ['adapters/x.ts -> remote/transport.js']],
    ['remote/x.ts', "import { runMenu } from '../menu/menu.js';", ['remote/x.ts -> menu/menu.js']],
    ['menu/x.ts', "import { listCommand } from '../commands/list.js';", ['menu/x.ts -> commands/list.js']],
    ['commands/x.ts', "export { runMenu } from '../menu/menu.js';", ['commands/x.ts -> menu/menu.js']],
    ['commands/x.ts', "import { main } from '../cli.js';", ['commands/x.ts -> cli.js']],
    ['commands/x.ts', "import { call } from '../remote/transport.js';\nimport kleur from 'kleur';", []],
    ['remote/x.ts', "import { run } from '../adapters/run.js';\nimport { EXIT } from '../core/errors.js';", []],
    ['cli.ts', "await import('./menu/menu.js'); await import('./commands/list.js');", []],
  ])('%s: %s', (file, text, expected) => expect(violations(file, text)).toEqual(expected));
});
