/** Small file helpers: read if present, write atomically (temp file + rename, mode kept). */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';

export const readText = (file: string): string | undefined =>
  existsSync(file) ? readFileSync(file, 'utf8') : undefined;

export function writeTextAtomic(file: string, text: string): void {
  const mode = existsSync(file) ? statSync(file).mode & 0o777 : 0o600;
  const tmp = `${file}.trimtab-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, file);
}
