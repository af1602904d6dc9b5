/**
 * The phone menu: full-screen, numbered, live. Screens: the list (main-screen.ts), one agent and its
 * prompt (agent-screen.ts), peek (peek-screen.ts), spawn (spawn-screen.ts), message all
 * (broadcast-screen.ts); the widget under them is screen.ts. Keys are the same on every screen
 * (core/render/menu-layout.ts, KEYS); `q` on the list is the only way out, Ctrl-C anywhere goes back,
 * and on the list (or during a round trip) ends the menu with 130.
 */
import { EXIT, TrimtabError, usageError } from '../core/errors.js';
import { ASCII, KEYS, UNICODE } from '../core/render/menu-layout.js';
import { syncSummary } from '../core/sync/sync-status.js';
import type { Ctx } from '../remote/context.js';
import { querySync } from '../remote/sync.js';
import { agentScreen } from './agent-screen.js';
import { broadcastScreen } from './broadcast-screen.js';
import { mainScreen } from './main-screen.js';
import { Keyboard } from './screen.js';
import { spawnScreen } from './spawn-screen.js';
import { ALT_OFF, ALT_ON, BACK, CANCEL, type View } from './view.js';

export interface MenuOptions {
  ascii: boolean;
  /** Seconds between the list's own refreshes (default 5). */
  refreshSeconds?: number;
}

export const DEFAULT_REFRESH_SECONDS = 5;

const cancelled = () => new TrimtabError('menu cancelled', { exitCode: EXIT.cancelled });

/** `trimtab menu`: without a terminal there is nobody to answer, so refuse instead. */
export async function menuCommand(ctx: Ctx, opts: MenuOptions): Promise<void> {
  if (!ctx.term.stdinTTY || !ctx.term.stdoutTTY) throw usageError('menu needs a terminal; try trimtab list');
  await runMenu(ctx, opts);
}

/** Run the menu until the user quits (`q`), or cancels on the list (Ctrl-C: exit 130). */
export async function runMenu(ctx: Ctx, opts: MenuOptions): Promise<void> {
  const ascii = opts.ascii || ctx.env.TERM === 'dumb';
  const restore = () => process.stdout.write(ALT_OFF);
  // Ctrl-C while a round trip runs (no screen to go back from): leave cleanly, terminal restored.
  const kb = new Keyboard(process.stdin, () => {
    kb.stop();
    restore();
    process.stderr.write('✖ menu cancelled\n');
    process.exit(EXIT.cancelled);
  });
  const v: View = {
    ctx,
    glyphs: ascii ? ASCII : UNICODE,
    color: ctx.term.color && !ascii,
    ascii,
    kb,
    refreshSeconds: opts.refreshSeconds ?? DEFAULT_REFRESH_SECONDS,
    reports: new Map(),
    answeredAt: new Map(),
  };
  // Syncthing's state, once per menu, in the background; only where sync is configured (one more
  // ssh round trip per host otherwise spent on hosts without Syncthing).
  if (ctx.config.sync || ctx.config.hosts.some((h) => h.syncthingHome)) {
    void querySync(ctx)
      .then((reports) => (v.sync = syncSummary(reports)))
      .catch(() => (v.sync = null))
      .finally(() => v.redraw?.());
  }
  process.stdout.write(ALT_ON);
  kb.start();
  try {
    let initial: string | undefined;
    for (;;) {
      const { key, rows } = await mainScreen(v, initial);
      initial = key;
      if (key === KEYS.quit) return;
      if (key === CANCEL) throw cancelled();
      if (key === BACK || key === KEYS.refresh) continue; // Esc on the list does not quit: only q does
      if (key === KEYS.spawn) await spawnScreen(v);
      else if (key === KEYS.broadcast)
        await broadcastScreen(
          v,
          rows.filter((r) => !r.gone).map((r) => r.agent),
        );
      else {
        const row = rows[Number(key) - 1];
        if (row && !row.gone) await agentScreen(v, row.agent);
      }
    }
  } finally {
    kb.stop();
    restore();
  }
}
