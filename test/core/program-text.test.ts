import { describe, expect, it } from 'vitest';
import { codeCacheName, embedProgram, extractProgram, isCodeCacheFile } from '../../src/core/program-text.js';

describe('program text inside the bundle', () => {
  const programs = [
    'console.log(1)',
    'const glob = "**/*.ts"; /* a comment */ const re = /a*\\/b/;',
    '*/',
    '/*',
    '*/*/**//*',
    'x = `*/${"*/"}`',
    '',
  ];
  it.each(programs)('%j survives embedding after a loader that names the marker itself', (program) => {
    const loader = 'const START = "/*\x02"; const END = "*/"; run(extract(self));\n';
    const file = `#!/usr/bin/env node\n${loader}${embedProgram(program)}`;
    expect(extractProgram(file)).toBe(program);
    // the comment really is one comment: the file parses as a module with the program inert inside it
    expect(() => new Function(file.replace(/^#!.*\n/, '').replace(loader, ''))).not.toThrow();
  });

  it('refuses a program it could not carry', () => {
    expect(() => embedProgram('a\x01b')).toThrow(/x01/);
    expect(() => embedProgram('"é"')).toThrow(/ASCII/);
  });

  it('finds nothing in a file without a program', () => {
    expect(extractProgram('console.log(1)\n')).toBeUndefined();
  });
});

describe('code cache file names', () => {
  const name = (...argv: string[]) => codeCacheName(argv, 'abc123', 'v20.20.2', 'x64');
  it('one per command, sub-command where it matters', () => {
    expect(name('list')).toBe('code-abc123-v20.20.2-x64-list.bin');
    expect(name('agent', 'list', '--json')).toBe('code-abc123-v20.20.2-x64-list.bin');
    expect(name('hosts', 'add', 'x')).toBe('code-abc123-v20.20.2-x64-hosts-add.bin');
    expect(name('sync', 'status')).toBe('code-abc123-v20.20.2-x64-sync-status.bin');
    expect(name()).toBe('code-abc123-v20.20.2-x64-bare.bin');
  });
  it('never takes a path or odd text from argv into the name', () => {
    for (const argv of [['../../etc/passwd'], ['--version'], ['LIST'], ['hosts', '../x'], ['a'.repeat(40)]]) {
      const n = name(...argv);
      expect(n).toMatch(/^code-abc123-v20\.20\.2-x64-[a-z-]+\.bin$/);
      expect(isCodeCacheFile(n)).toBe(true);
    }
  });
  it('knows its own files, and the temp file of a cut-off write, and nothing else', () => {
    expect(isCodeCacheFile('code-abc123-v20.20.2-x64-list.bin.4242')).toBe(true);
    for (const other of [
      'hosts.json',
      'config-valid',
      'cm-thor-1234',
      'code-.bin',
      'code-abc-list.bin.tmp',
      'xcode-abc-list.bin',
    ]) {
      expect(isCodeCacheFile(other), other).toBe(false);
    }
  });
});
