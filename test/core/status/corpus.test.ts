// Every real captured Claude Code screen in test/fixtures/corpus/<source>/, each read against
// the status and prompt its cases.json expects. No case is skipped: a screen that reads wrong
// fails, and the summary prints accuracy per status and per source.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type Prompt, readPrompt } from '../../../src/core/status/prompt.js';
import { type AgentStatus, classifyPane } from '../../../src/core/status/status.js';

interface Case {
  file: string;
  source: string;
  release: string | null;
  status: AgentStatus;
  prompt: Prompt | null;
  /** Pane facts when the case needs them; a live `claude` pane otherwise. */
  pane?: { dead: boolean; command: string };
}

const root = fileURLToPath(new URL('../../fixtures/corpus/', import.meta.url));
const sources = readdirSync(root)
  .filter((d) => existsSync(`${root}${d}/cases.json`))
  .sort();
const corpus = sources.flatMap((source) =>
  (JSON.parse(readFileSync(`${root}${source}/cases.json`, 'utf8')) as Case[]).map((c) => ({
    ...c,
    source,
    origin: c.source,
    screen: readFileSync(`${root}${source}/${c.file}`, 'utf8'),
  })),
);

const tally = new Map<string, { right: number; all: number }>();
const count = (key: string, right: boolean) => {
  const t = tally.get(key) ?? { right: 0, all: 0 };
  t.all++;
  if (right) t.right++;
  tally.set(key, t);
};

describe('corpus of captured screens', () => {
  it('has at least 60 cases from at least 4 sources, each with its origin', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    expect(sources.length).toBeGreaterThanOrEqual(4);
    for (const c of corpus) expect(c.origin, c.file).toMatch(/\S/);
  });

  it.each(corpus)('$source/$file', (c) => {
    const status = classifyPane(c.screen, c.pane ?? { dead: false, command: 'claude' });
    const prompt = readPrompt(c.screen);
    const right = status === c.status && JSON.stringify(prompt) === JSON.stringify(c.prompt);
    count(`status ${c.status}`, status === c.status);
    count(`source ${c.source}`, right);
    if (c.status === 'waiting') count('prompt', JSON.stringify(prompt) === JSON.stringify(c.prompt));
    expect({ status, prompt }).toEqual({ status: c.status, prompt: c.prompt });
  });

  afterAll(() => {
    const rows = [...tally].sort(([a], [b]) => a.localeCompare(b));
    const lines = rows.map(
      ([k, t]) =>
        `  ${k.padEnd(30)} ${String(t.right).padStart(4)}/${String(t.all).padEnd(4)} ${((100 * t.right) / t.all).toFixed(1)}%`,
    );
    console.log(`corpus: ${corpus.length} screens\n${lines.join('\n')}`);
  });
});
