import { usageError } from '../errors.js';
import { shQuote } from '../quote.js';

/** One host as written in config.json. Every key but `name` is optional. */
export interface HostEntry {
  name: string;
  ssh?: string;
  projectsDir?: string;
  agentCommand?: string;
  tmuxSocket?: string;
  aliases?: string[];
  /** Syncthing's home (the directory holding its config.xml), when not in a default place. */
  syncthingHome?: string;
  /** The agents' CLAUDE_CONFIG_DIR on that host, when not `~/.claude`: where Claude Code keeps its registry. */
  claudeConfigDir?: string;
}

/** `sync` in config.json. */
export interface SyncConfig {
  /** Extra `.stignore` patterns for the block `trimtab sync ignore` manages, e.g. `(?d)*.log`. */
  ignore?: string[];
}

/** config.json as written by the user. */
export interface ConfigFile {
  session?: string;
  hosts?: HostEntry[];
  sshOptions?: string[];
  sshCommand?: string;
  connectTimeoutSeconds?: number;
  /** How long a host that did not answer is left alone before trimtab tries it again. */
  offlineRetrySeconds?: number;
  cannedCommands?: string[];
  sync?: SyncConfig;
}

/** A host with every default filled in. */
export interface Host {
  name: string;
  /** ssh destination (`user@host` or an ssh_config alias). */
  ssh: string;
  /** May start with `~/`: expanded on the host itself, never here, for remote hosts. */
  projectsDir: string;
  agentCommand: string;
  tmuxSocket: string;
  aliases: string[];
  local: boolean;
  /** May start with `~/`; unset: Syncthing's default locations. */
  syncthingHome?: string | undefined;
  /** May start with `~/`; unset: `$CLAUDE_CONFIG_DIR` on the host, else `~/.claude`. */
  claudeConfigDir?: string | undefined;
}

export interface Config {
  session: string;
  hosts: Host[];
  sshOptions: string[];
  sshCommand: string;
  connectTimeoutSeconds: number;
  offlineRetrySeconds: number;
  cannedCommands: string[];
  sync?: SyncConfig | undefined;
}

export const DEFAULTS = {
  session: 'agents',
  projectsDir: '~/1-Projects',
  agentCommand: 'claude',
  connectTimeoutSeconds: 3,
  offlineRetrySeconds: 30,
  cannedCommands: ['/status', '/compact', 'continue'],
} as const;

/** Names trimtab puts into tmux targets and paths: no leading `-` or `.`, no `:` (tmux#1131-style target traps). */
const NAME_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9._-]*$';
const NAME_RE = new RegExp(NAME_PATTERN);
export const isValidName = (s: string) => NAME_RE.test(s) && s.length <= 100;

const str = { type: 'string' } as const;
const strList = { type: 'array', items: str } as const;
const NAME_WORDS = 'a name of letters, digits, ".", "_", "-" (not starting with "." or "-")';
const name = { type: 'string', pattern: NAME_PATTERN, maxLength: 100, description: NAME_WORDS } as const;

/** JSON schema of each top-level key (the shape conf's `schema` option takes); `description` words the errors. */
const CONFIG_SCHEMA = {
  session: name,
  hosts: {
    type: 'array',
    items: {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: {
        name,
        ssh: {
          type: 'string',
          minLength: 1,
          pattern: '^[^-\\s]',
          description: 'an ssh destination (USER@HOST or an ssh_config alias) not starting with "-" or a space',
        },
        projectsDir: { type: 'string', minLength: 1 },
        agentCommand: { type: 'string', minLength: 1 },
        tmuxSocket: {
          type: 'string',
          pattern: '^([A-Za-z0-9_][A-Za-z0-9._-]*)?$',
          description: 'a tmux socket name of letters, digits, ".", "_", "-" (or "" for the default)',
        },
        aliases: { type: 'array', items: name },
        syncthingHome: { type: 'string', minLength: 1 },
        claudeConfigDir: {
          type: 'string',
          minLength: 1,
          pattern: '^[^\\u0000-\\u001f\\u007f]+$',
          description:
            "a directory path (Claude Code's CLAUDE_CONFIG_DIR; may start with ~/) without control characters",
        },
      },
    },
  },
  sshOptions: strList,
  sshCommand: { type: 'string', minLength: 1 },
  connectTimeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 120 },
  offlineRetrySeconds: { type: 'number', minimum: 0, maximum: 86400 },
  cannedCommands: strList,
  sync: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ignore: {
        type: 'array',
        items: { type: 'string', minLength: 1, pattern: '^[^\\r\\n]*$', description: 'one line of .stignore pattern' },
      },
    },
  },
} as const;

/** The subset of JSON schema that CONFIG_SCHEMA uses. */
interface Schema {
  readonly type: 'string' | 'number' | 'array' | 'object';
  readonly description?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly maximum?: number;
  readonly items?: Schema;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
}

const A = { string: 'a string', number: 'a number', array: 'a list [...]', object: 'an object {...}' } as const;

/** How a wrong value is shown: short, and escaped so no control character reaches the terminal. */
function shown(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  const safe = text.replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return safe.length > 60 ? `${safe.slice(0, 57)}...` : safe;
}

function rangeWords(s: Schema): string {
  const low =
    s.exclusiveMinimum !== undefined
      ? `above ${s.exclusiveMinimum}`
      : s.minimum !== undefined
        ? `at least ${s.minimum}`
        : '';
  const high = s.maximum !== undefined ? `at most ${s.maximum}` : '';
  return [low, high].filter(Boolean).join(' and ');
}

/** What is wrong at `path` (e.g. `hosts[1].ssh: expected ..., got ...`), or undefined. */
function problemAt(value: unknown, s: Schema, path: string): string | undefined {
  const at = path || 'the file';
  const wrongType =
    s.type === 'array'
      ? !Array.isArray(value)
      : s.type === 'object'
        ? typeof value !== 'object' || value === null || Array.isArray(value)
        : typeof value !== s.type || (s.type === 'number' && !Number.isFinite(value));
  if (wrongType) return `${at}: expected ${s.description ?? A[s.type]}, got ${shown(value)}`;
  if (typeof value === 'string') {
    const tooShort = s.minLength !== undefined && value.length < s.minLength;
    const tooLong = s.maxLength !== undefined && value.length > s.maxLength;
    const mismatch = s.pattern !== undefined && !new RegExp(s.pattern).test(value);
    if (tooShort && !s.description) return `${at}: expected a non-empty string`;
    if (tooLong) return `${at}: expected at most ${s.maxLength} characters, got ${value.length}`;
    if (tooShort || mismatch) return `${at}: expected ${s.description}, got ${shown(value)}`;
  }
  if (typeof value === 'number') {
    const low =
      (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) ||
      (s.minimum !== undefined && value < s.minimum);
    if (low || (s.maximum !== undefined && value > s.maximum))
      return `${at}: expected a number ${rangeWords(s)}, got ${value}`;
  }
  if (Array.isArray(value) && s.items) {
    for (const [i, item] of value.entries()) {
      const problem = problemAt(item, s.items, `${path}[${i}]`);
      if (problem) return problem;
    }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && s.properties) {
    for (const key of s.required ?? []) if (!(key in value)) return `${at}: missing "${key}"`;
    for (const [key, item] of Object.entries(value)) {
      const child = s.properties[key];
      const where = path ? `${path}.${key}` : key;
      if (child) {
        const problem = problemAt(item, child, where);
        if (problem) return problem;
      } else if (s.additionalProperties === false) {
        return `${where}: unknown key (known: ${Object.keys(s.properties).join(', ')})`;
      }
    }
  }
  return undefined;
}

const FILE_SCHEMA: Schema = { type: 'object', properties: CONFIG_SCHEMA };

/**
 * The first thing wrong with a parsed config.json, as `key path: expected ..., got ...`
 * (`hosts[1].ssh: expected an ssh destination ..., got "-oProxyCommand=x"`), or undefined when it is valid.
 * Keys the schema does not know at the top level are left alone.
 */
export const configProblem = (value: unknown): string | undefined => problemAt(value, FILE_SCHEMA, '');

export const isConfigFile = (value: unknown): value is ConfigFile => configProblem(value) === undefined;

export interface Environment {
  TRIMTAB_HOST?: string | undefined;
  TRIMTAB_SSH?: string | undefined;
}

const fillHost = (entry: HostEntry, local: boolean): Host => ({
  name: entry.name,
  ssh: entry.ssh ?? entry.name,
  projectsDir: entry.projectsDir ?? DEFAULTS.projectsDir,
  agentCommand: entry.agentCommand ?? DEFAULTS.agentCommand,
  tmuxSocket: entry.tmuxSocket ?? '',
  aliases: entry.aliases ?? [],
  local,
  syncthingHome: entry.syncthingHome,
  claudeConfigDir: entry.claudeConfigDir,
});

/**
 * Fill in defaults and decide which host is "here": `$TRIMTAB_HOST`, else the entry whose name or
 * alias is the short hostname, else an implicit local host named after the short hostname.
 */
export function resolveConfig(file: ConfigFile, env: Environment, hostname: string): Config {
  const short = hostname.split('.')[0] || 'localhost';
  const wanted = env.TRIMTAB_HOST || undefined;
  const entries = file.hosts ?? [];
  const names = new Set<string>();
  for (const h of entries) {
    if (names.has(h.name))
      throw usageError(`host "${h.name}" is configured twice`, 'remove one of them from config.json');
    names.add(h.name);
  }
  const isHere = wanted
    ? (h: HostEntry) => h.name === wanted
    : (h: HostEntry) => h.name === short || (h.aliases ?? []).includes(short);
  const here = entries.find(isHere);
  const hosts = entries.map((h) => fillHost(h, h === here));
  if (!here) hosts.unshift(fillHost({ name: wanted ?? short }, true));
  return {
    session: file.session ?? DEFAULTS.session,
    hosts,
    sshOptions: file.sshOptions ?? [],
    sshCommand: env.TRIMTAB_SSH || file.sshCommand || 'ssh',
    connectTimeoutSeconds: file.connectTimeoutSeconds ?? DEFAULTS.connectTimeoutSeconds,
    offlineRetrySeconds: file.offlineRetrySeconds ?? DEFAULTS.offlineRetrySeconds,
    cannedCommands: file.cannedCommands ?? [...DEFAULTS.cannedCommands],
    sync: file.sync,
  };
}

export const localHost = (config: Config): Host => config.hosts.find((h) => h.local)!;

/** The host called `name` (or one of its aliases); unknown names are a usage error listing the known ones. */
export function findHost(config: Config, name: string): Host {
  const host = config.hosts.find((h) => h.name === name || h.aliases.includes(name));
  if (host) return host;
  throw usageError(
    `unknown host "${name}"`,
    `known hosts: ${config.hosts.map((h) => h.name).join(', ')} (add one with: trimtab hosts add NAME --ssh USER@HOST)`,
  );
}

export const isKnownHost = (config: Config, name: string) =>
  config.hosts.some((h) => h.name === name || h.aliases.includes(name));

/**
 * The first shell word of `s` with its quotes removed, and where it ends: `'/opt/x y/claude' --flag`
 * gives `/opt/x y/claude`. POSIX rules (XCU 2.2): nothing is special inside '...'; inside "..." a
 * backslash only escapes " \ $ `; outside quotes it escapes any character.
 */
function firstWord(s: string): { word: string; end: number } {
  let word = '';
  let i = 0;
  while (i < s.length && !/\s/.test(s[i]!)) {
    const c = s[i]!;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      word += s.slice(i + 1, end < 0 ? s.length : end);
      i = end < 0 ? s.length : end + 1;
    } else if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length && '"\\$`'.includes(s[i + 1]!)) i++;
        word += s[i++];
      }
      i++;
    } else if (c === '\\' && i + 1 < s.length) {
      word += s[i + 1];
      i += 2;
    } else {
      word += c;
      i++;
    }
  }
  return { word, end: Math.min(i, s.length) };
}

/**
 * An `agentCommand` as the words a POSIX shell makes of it (tmux runs the command with `sh -c`), with
 * no expansion. The one parser spawn, doctor and prepare use.
 */
export function commandWords(command: string): string[] {
  const words: string[] = [];
  for (let rest = command.trimStart(); rest; ) {
    const { word, end } = firstWord(rest);
    words.push(word);
    rest = rest.slice(end).trimStart();
  }
  return words;
}

/** The program an agent command runs: its first word. */
export const agentProgram = (command: string): string => commandWords(command)[0] ?? '';

/** The agent command with its program replaced by `path`, keeping its arguments as written. */
export function withProgram(command: string, path: string): string {
  const rest = command.trimStart();
  return shQuote(path) + rest.slice(firstWord(rest).end);
}

/** `~` and `~/x` with this machine's home (the one place a path is expanded here). */
export const expandHome = (p: string, home: string): string =>
  p === '~' ? home : p.startsWith('~/') ? `${home.replace(/\/+$/, '')}/${p.slice(2)}` : p;

/**
 * `~/x` as a shell expression the host expands itself: `"$HOME"/'x'` (tmux -c never expands `~`).
 * Any other path is single-quoted as it is.
 */
export function homeExpr(p: string): string {
  if (p === '~') return '"$HOME"';
  if (p.startsWith('~/')) return `"$HOME"/${shQuote(p.slice(2))}`;
  return shQuote(p);
}
