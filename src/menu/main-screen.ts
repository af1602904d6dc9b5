/**
 * The main screen: every agent on every host, the ones waiting on the user first. Local agents show at
 * once, remote hosts fill in as they answer (a sleeping laptop never holds up the first screen), and
 * the list asks every host again every few seconds. Once every host has answered, rows keep their
 * numbers while the list refreshes; coming back to this screen (or `r`) sorts it again.
 */

import { readHeartbeat } from '../adapters/watch-state.js';
import {
  agentItems,
  hostRows,
  type ListRow,
  MAIN_ACTIONS,
  type MainState,
  mainHeader,
  stableOrder,
} from '../core/render/menu-layout.js';
import { fit } from '../core/render/render.js';
import { watcherRunning } from '../core/watch/schedule.js';
import { listAgents } from '../remote/list.js';
import type { Row, Spec } from './screen.js';
import { Screen } from './screen.js';
import { age, size, style, type View } from './view.js';

export interface MainChoice {
  key: string;
  rows: ListRow[];
}

/** Every agent the reports know, offline hosts' last-known agents included (marked stale). */
const allAgents = (v: View) => [...v.reports.values()].flatMap((r) => (r.reachable ? r.agents : r.stale));

function layout(v: View, rows: ListRow[], pending: Set<string>, initial: string | undefined): Spec {
  const { columns } = size();
  const reports = [...v.reports.values()];
  const state: MainState = {
    here: v.ctx.config.hosts.find((h) => h.local)?.name ?? '',
    agents: rows.filter((r) => !r.gone).map((r) => r.agent),
    offline: reports.filter((r) => !r.reachable).map((r) => r.host.name),
    pending: [...pending],
  };
  const gone = new Set(rows.filter((r) => r.gone).map((r) => r.agent));
  const items = agentItems(
    rows.map((r) => r.agent),
    columns,
    (a) => gone.has(a),
  );
  const body: Row[] = items.map((item, i) => {
    const a = rows[i]!.agent;
    const tone = gone.has(a) || a.stale || a.status === 'exited' ? 'gone' : a.status === 'waiting' ? 'warn' : 'plain';
    return { key: item.key, text: item.label, tone };
  });
  for (const h of hostRows(state, v.glyphs, columns)) body.push({ key: '', text: h.label, tone: 'dim' });
  if (v.sync) body.push({ key: '', text: fit(`${v.glyphs.dot}  ${v.sync}`, columns - 2), tone: 'dim' });
  if (rows.length === 0) body.push({ key: '', text: 'no agents yet: s to spawn one' });
  for (const a of MAIN_ACTIONS) body.push({ key: a.key, text: a.label });
  const answered = [...v.answeredAt.values()];
  const fresh = answered.length ? `updated ${age(Math.min(...answered))}` : `asking ${v.glyphs.ellipsis}`;
  const watch = watcherRunning(readHeartbeat(v.ctx.env), v.ctx.now()).running ? 'watch on' : 'no watch';
  const n = rows.length;
  return {
    header: [mainHeader(state, v.glyphs, columns), `${fresh} ${v.glyphs.dot} ${watch}`],
    rows: body,
    footer: n ? `${n > 1 ? `1-${n}` : '1'} open ${v.glyphs.dot} q quit` : 'q quit',
    // Where the user last was (the row they came back from, `r`), else the first row.
    cursor: initial && body.some((r) => r.key === initial) ? initial : n ? '1' : 's',
  };
}

/** Shows the list until a key: a row number, an action, BACK or CANCEL. */
export async function mainScreen(v: View, initial?: string): Promise<MainChoice> {
  const hosts = v.ctx.config.hosts;
  const order = hosts.map((h) => h.name);
  const pending = new Set(hosts.filter((h) => !v.reports.has(h.name)).map((h) => h.name));
  let rows: ListRow[] = stableOrder([], allAgents(v), order);
  const screen = new Screen(v.kb, () => layout(v, rows, pending, initial), style(v));
  const inFlight = new Set<string>();
  let settled = pending.size === 0;
  const ask = () => {
    for (const host of hosts) {
      if (inFlight.has(host.name)) continue;
      inFlight.add(host.name);
      void listAgents(v.ctx, host)
        .then((report) => {
          v.reports.set(host.name, report);
          if (report.reachable) v.answeredAt.set(host.name, Date.now());
          pending.delete(host.name);
          // Until every host has answered once, the list sorts itself; after, rows keep their numbers.
          rows = stableOrder(settled ? rows : [], allAgents(v), order);
          settled = pending.size === 0;
          screen.refresh();
        })
        .catch(() => {}) // a late answer must never take the menu down
        .finally(() => inFlight.delete(host.name));
    }
  };
  v.redraw = () => screen.refresh();
  ask();
  const every = setInterval(ask, v.refreshSeconds * 1000);
  const tick = setInterval(() => screen.refresh(), 1000); // "updated 3s ago" counts up
  try {
    return { key: await screen.run(), rows };
  } finally {
    clearInterval(every);
    clearInterval(tick);
    v.redraw = undefined;
  }
}
