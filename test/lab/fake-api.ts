/**
 * A stand-in for the Anthropic Messages API on 127.0.0.1, so the real Claude Code runs in the lab with
 * no account and no network. It streams server-sent events the way the real API does
 * (https://docs.anthropic.com/en/api/messages-streaming): message_start, content_block_start /
 * content_block_delta (text_delta, or input_json_delta for a tool_use block) / content_block_stop,
 * message_delta with the stop_reason, message_stop.
 *
 * Replies are scripted by the user's text (the last `user` message, `<system-reminder>` blocks left
 * out), so a test decides what the agent does by what it types into the pane:
 *   lab:bash <command>   a tool_use of Bash running <command>           -> a permission prompt
 *   lab:write <path>     a tool_use of Write creating <path>            -> a "Create file" prompt
 *   lab:ask              a tool_use of AskUserQuestion with 3 options   -> a question
 *   lab:ask-multi        the same question, several answers allowed     -> checkboxes, then Submit
 *   lab:ask-two          two questions in one AskUserQuestion           -> a tab per question, then Submit
 *   lab:plan             a tool_use of ExitPlanMode (in plan mode)      -> the plan approval
 *   lab:slow <seconds>   text streamed slowly for that long             -> the agent stays busy
 *   anything else        a short text reply
 * When the last user message carries a tool_result, the reply is a short text and end_turn.
 * Every user text of a main-loop request (one that offers tools) is logged byte for byte, in memory
 * and as JSON lines in `logFile`, so tests assert what the agent really received.
 */
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ApiRequestNote {
  method: string;
  url: string;
  /** `main` offers tools (the agent's loop); `side` is a helper call (title, topic, quota...). */
  kind: 'main' | 'side' | 'count' | 'other';
  model?: string;
  stream?: boolean;
  /** The tool_result text the agent sent back, when it did (what the tool answered). */
  toolResult?: string;
  /** The tool names offered (main-loop requests). */
  tools?: string[];
}

export interface FakeApi {
  port: number;
  /** The value for ANTHROPIC_BASE_URL. */
  url: string;
  /** The user texts received by main-loop requests, in order. */
  received(): string[];
  /** Every request, in order (what Claude Code calls and how). */
  requests(): ApiRequestNote[];
  /** The last tool_result the agent sent back (JSON of its content: what an answered question said). */
  lastToolResult(): string | undefined;
  close(): Promise<void>;
}

type Block = { type: string; text?: string; content?: unknown };
type Message = { role: string; content: string | Block[] };
interface Body {
  model?: string;
  stream?: boolean;
  tools?: unknown[];
  messages?: Message[];
}

/** Text blocks Claude Code adds to a user message itself (context), never typed by the user. */
const NOT_TYPED = /^\s*<system-reminder>/;
/** After an Esc on a prompt, 2.1.328 puts this note before the user's next words in the same block. */
const INTERRUPTED = /^\[Request interrupted by user[^\]\n]*\]\n\n/;

/** The user's own words in the last user message, or `{toolResult: true}` after a tool ran. */
function lastUserText(messages: Message[] | undefined): { text?: string; toolResult: boolean } {
  const last = [...(messages ?? [])].reverse().find((m) => m.role === 'user');
  if (!last) return { toolResult: false };
  if (typeof last.content === 'string') return { text: last.content, toolResult: false };
  const texts = last.content.filter((b) => b.type === 'text' && typeof b.text === 'string' && !NOT_TYPED.test(b.text));
  // After a rejected tool (Esc), the rejection's tool_result travels with the user's next words in one
  // message: the words decide the reply.
  if (texts.length)
    return {
      text: texts
        .map((b) => b.text)
        .join('\n')
        .replace(INTERRUPTED, ''),
      toolResult: false,
    };
  return { toolResult: last.content.some((b) => b.type === 'tool_result') };
}

function toolResultText(messages: Message[] | undefined): string | undefined {
  const last = messages?.[messages.length - 1];
  if (!last || typeof last.content === 'string') return undefined;
  const r = last.content.find((b) => b.type === 'tool_result');
  return r ? JSON.stringify(r.content) : undefined;
}

type Content = { type: 'text'; text: string } | { type: 'tool_use'; name: string; input: Record<string, unknown> };

/** What to answer, decided by the user's text. `delayMs` spaces out the text chunks. */
function script(text: string | undefined, toolResult: boolean): { content: Content; delayMs: number; chunks: number } {
  const reply = (t: string, chunks = 1, delayMs = 0) => ({
    content: { type: 'text' as const, text: t },
    chunks,
    delayMs,
  });
  if (toolResult) return reply('Done: the lab tool ran.');
  const t = (text ?? '').trim();
  const arg = (word: string) => t.slice(word.length).trim();
  const tool = (name: string, input: Record<string, unknown>) => ({
    content: { type: 'tool_use' as const, name, input },
    chunks: 1,
    delayMs: 0,
  });
  if (t.startsWith('lab:bash ')) return tool('Bash', { command: arg('lab:bash'), description: 'Run the lab command' });
  if (t.startsWith('lab:write '))
    return tool('Write', { file_path: arg('lab:write'), content: 'written by the lab\n' });
  const colour = (multiSelect: boolean) => ({
    question: multiSelect ? 'Which colours should the lab use?' : 'Which colour should the lab use?',
    header: 'Colour',
    multiSelect,
    options: [
      { label: 'Red', description: 'A warm colour' },
      { label: 'Green', description: 'A calm colour' },
      { label: 'Blue', description: 'A cool colour' },
    ],
  });
  if (t === 'lab:ask' || t.startsWith('lab:ask ')) return tool('AskUserQuestion', { questions: [colour(false)] });
  if (t === 'lab:ask-multi') return tool('AskUserQuestion', { questions: [colour(true)] });
  if (t === 'lab:ask-two') {
    const size = {
      question: 'How big should the lab be?',
      header: 'Size',
      multiSelect: false,
      options: [
        { label: 'Small', description: 'One host' },
        { label: 'Large', description: 'Three hosts' },
      ],
    };
    return tool('AskUserQuestion', { questions: [colour(false), size] });
  }
  if (t === 'lab:plan' || t.startsWith('lab:plan ')) {
    // Offered in plan mode (`--permission-mode plan`): the "Ready to code?" plan approval.
    return tool('ExitPlanMode', { plan: '# Lab plan\n\n1. Write the lab file.\n2. Run the lab tests.\n' });
  }
  if (t.startsWith('lab:slow')) {
    const seconds = Math.min(Math.max(Number(arg('lab:slow')) || 10, 1), 600);
    return reply('Thinking slowly. ', Math.ceil(seconds * 2), 500);
  }
  return reply('Hello from the lab.');
}

let ids = 0;
const sse = (res: http.ServerResponse, event: string, data: unknown) =>
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function stream(res: http.ServerResponse, model: string, plan: ReturnType<typeof script>): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'request-id': `req_lab_${++ids}`,
  });
  const usage = { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  sse(res, 'message_start', {
    type: 'message_start',
    message: {
      id: `msg_lab_${ids}`,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage,
    },
  });
  const c = plan.content;
  if (c.type === 'text') {
    sse(res, 'content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    for (let i = 0; i < plan.chunks && !res.destroyed; i++) {
      if (i > 0) await sleep(plan.delayMs);
      sse(res, 'content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: c.text },
      });
    }
  } else {
    sse(res, 'content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: `toolu_lab_${ids}`, name: c.name, input: {} },
    });
    sse(res, 'content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'input_json_delta', partial_json: JSON.stringify(c.input) },
    });
  }
  sse(res, 'content_block_stop', { type: 'content_block_stop', index: 0 });
  sse(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: c.type === 'text' ? 'end_turn' : 'tool_use', stop_sequence: null },
    usage: { output_tokens: 12 },
  });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_lab_${++ids}` });
  res.end(JSON.stringify(body));
}

export async function startFakeApi(opts: { logFile?: string; requestLog?: string } = {}): Promise<FakeApi> {
  const received: string[] = [];
  const notes: ApiRequestNote[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const url = req.url ?? '/';
      const route = url.split('?')[0];
      let body: Body = {};
      try {
        body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body) : {};
      } catch {
        body = {};
      }
      const main = Array.isArray(body.tools) && body.tools.length > 0;
      const kind: ApiRequestNote['kind'] =
        route === '/v1/messages/count_tokens' ? 'count' : route === '/v1/messages' ? (main ? 'main' : 'side') : 'other';
      const note: ApiRequestNote = {
        method: req.method ?? '',
        url,
        kind,
        model: body.model,
        stream: body.stream,
        toolResult: toolResultText(body.messages),
        tools: main ? body.tools!.map((t) => (t as { name?: string }).name ?? '?') : undefined,
      };
      notes.push(note);
      if (opts.requestLog) appendFileSync(opts.requestLog, `${JSON.stringify(note)}\n`);
      if (kind === 'count') return json(res, 200, { input_tokens: 10 });
      if (kind === 'other') {
        // Anything else Claude Code may try (model lists, account endpoints): a plain, fast "not here".
        return json(res, 404, { type: 'error', error: { type: 'not_found_error', message: `lab: no ${route}` } });
      }
      const { text, toolResult } = lastUserText(body.messages);
      if (kind === 'main' && !toolResult && text !== undefined) {
        received.push(text);
        if (opts.logFile) appendFileSync(opts.logFile, `${JSON.stringify({ text })}\n`);
      }
      const model = body.model ?? 'claude-lab';
      // Helper calls (titles, topic checks) get a short text, never a tool.
      const plan = kind === 'main' ? script(text, toolResult) : script(undefined, false);
      if (body.stream === false) {
        const c = plan.content;
        return json(res, 200, {
          id: `msg_lab_${ids}`,
          type: 'message',
          role: 'assistant',
          model,
          content: [
            c.type === 'text'
              ? { type: 'text', text: c.text }
              : { type: 'tool_use', id: `toolu_lab_${ids}`, name: c.name, input: c.input },
          ],
          stop_reason: c.type === 'text' ? 'end_turn' : 'tool_use',
          stop_sequence: null,
          usage: { input_tokens: 10, output_tokens: 12 },
        });
      }
      void stream(res, model, plan).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    received: () => [...received],
    requests: () => [...notes],
    lastToolResult: () =>
      notes
        .map((n) => n.toolResult)
        .filter(Boolean)
        .at(-1),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
