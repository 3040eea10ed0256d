/**
 * Structured logging with pino. Callgate handles recorded calls, so its logs
 * must never carry a secret or a phone number, whoever wrote the log call.
 * Two layers make that hold:
 *
 * 1. pino `redact` paths censor well-known keys (`token`, `externalNumber`,
 *    `req.headers.authorization`, ...) whatever their type, near the top level.
 * 2. A `streamWrite` hook scrubs the finished JSON line just before it is
 *    written: every string in it (the message, nested fields, error messages
 *    and stacks, child-logger bindings) is searched for anything shaped like a
 *    phone number or a secret, and string values under sensitive keys are
 *    censored at any depth. JSON numbers (time, pid, durations) are left alone.
 */
import pino from "pino";

export type Logger = pino.Logger;

export interface LoggerOptions {
  level: pino.LevelWithSilent;
  /** Human-readable lines for a terminal, through pino-pretty (a dev dependency). */
  pretty?: boolean;
  /** Where lines go; standard output when absent. Tests pass their own stream. */
  destination?: pino.DestinationStream;
  /** Fields on every line, e.g. `{ service: "callgate" }`. */
  base?: Record<string, unknown>;
}

export const NUMBER_CENSOR = "[number]";
export const SECRET_CENSOR = "[secret]";

/** Keys whose values are secrets wherever they appear. Compared case-insensitively. */
const SECRET_KEYS = [
  "token",
  "accessToken",
  "refreshToken",
  "botToken",
  "playbackToken",
  "idToken",
  "secret",
  "signingSecret",
  "clientSecret",
  "password",
  "passwd",
  "connectionString",
  "accountKey",
  "apiKey",
  "sas",
  "sasToken",
  "sasUrl",
  "authorization",
  "cookie",
  "set-cookie",
  "x-slack-signature",
];

/** Keys whose values are phone numbers wherever they appear. Compared case-insensitively. */
const NUMBER_KEYS = ["number", "externalNumber", "phoneNumber", "phone", "callerNumber", "calledNumber", "fromNumber", "toNumber", "e164"];

const SECRET_KEY_SET = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));
const NUMBER_KEY_SET = new Set(NUMBER_KEYS.map((k) => k.toLowerCase()));

/** pino redact paths: each key at the top level and one and two levels down, plus HTTP headers. */
const REDACT_PATHS = [
  ...[...SECRET_KEYS, ...NUMBER_KEYS].flatMap((key) => {
    const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const dot = k.startsWith("[") ? "" : ".";
    return [k, `*${dot}${k}`, `*.*${dot}${k}`];
  }),
  'req.headers["x-slack-signature"]',
  'res.headers["set-cookie"]',
  'headers["set-cookie"]',
  'headers["x-slack-signature"]',
  'req.headers["x-ms-client-principal"]',
];

function censor(_value: unknown, path: string[]): string {
  const key = path[path.length - 1]?.toLowerCase() ?? "";
  return NUMBER_KEY_SET.has(key) ? NUMBER_CENSOR : SECRET_CENSOR;
}

export function createLogger(options: LoggerOptions): Logger {
  const pinoOptions: pino.LoggerOptions = {
    level: options.level,
    redact: { paths: REDACT_PATHS, censor },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    hooks: { streamWrite: scrubLogLine },
    // Level names rather than pino's numbers, for people and log stores reading the JSON.
    formatters: { level: (label) => ({ level: label }) },
    ...(options.base ? { base: options.base } : {}),
  };
  if (options.destination) return pino(pinoOptions, options.destination);
  if (options.pretty) {
    return pino({
      ...pinoOptions,
      transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" } },
    });
  }
  return pino(pinoOptions);
}

// ---------------------------------------------------------------------------
// Scrubbing. Regexes are compiled once; a line with nothing suspicious in it
// costs one regex test.

/**
 * Routes whose next path segment is a secret: a playback link (/play/<token>)
 * and a delivered file's download link (/files/<token>, 24 hours, exports and
 * SAR bundles). A route that carries a token in its path is added here and
 * nowhere else: the request log, the 404 answer and every scrubbed log line
 * read this one pattern. Case-insensitive, because Express routes ignore case
 * (/PLAY/<token> plays), and repeated slashes do not hide the token.
 */
export const TOKEN_ROUTES = ["play", "files"] as const;
const TOKEN_PREFIX = `\\/(?:${TOKEN_ROUTES.join("|")})\\/+`;
const TOKEN_IN_PATH = new RegExp(`(${TOKEN_PREFIX})[^/?#\\s"'<>]+`, "gi");

/** `/play/<token>` becomes `/play/[token]`, for every route in TOKEN_ROUTES, in any case. */
export function redactTokenPaths(text: string): string {
  return text.replace(TOKEN_IN_PATH, "$1[token]");
}

/** Anything that might need scrubbing; lines without a match are written untouched. */
const SUSPICIOUS = new RegExp(
  `${/\d[ \-\u00a0()]{0,3}\d[ \-\u00a0()]{0,3}\d[ \-\u00a0()]{0,3}\d[ \-\u00a0()]{0,3}\d[ \-\u00a0()]{0,3}\d|xox|xapp-|bearer|basic |=|:\/\/|eyJ/.source}|${TOKEN_PREFIX}`,
  "i",
);

/** One JSON string literal, and whether it is an object key (followed by a colon). */
const JSON_STRING = /"((?:[^"\\]|\\.)*)"(:?)/g;

/**
 * A run of digits that could be a phone number: optionally led by "+" or "(",
 * digits with at most a few spaces, hyphens or brackets between them, and not
 * glued to letters, digits, dots or hyphens on either side (so UUIDs,
 * CG-000123, 127.0.0.1, version numbers and hex hashes are left alone).
 * Underscores do not protect: file names such as 20261121_1430_07700900123.wav
 * give the number up.
 * Which part of a run really is a number is decided in scrubPhoneRun.
 */
const PHONE_RUN = /(?<!(?<!\\)[\p{L}\p{N}.\-+])(?:\+|\(\+?)?\d(?:[ \-\u00a0()]{0,3}\d){5,}\)?(?![\p{L}\p{N}]|\.\d)/gu;
const DIGITS = /\d+/g;

const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // Slack tokens: bot, user, app-level, refresh, configuration.
  [/\b(?:xox[a-z]|xapp)-[A-Za-z0-9-]+/g, SECRET_CENSOR],
  // JSON Web Tokens (Teams and Entra bearer tokens).
  [/\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, SECRET_CENSOR],
  [/\b(Bearer|Basic)\s+[\w\-.~+/]+=*/gi, `$1 ${SECRET_CENSOR}`],
  // key=value secrets in query strings and connection strings: SAS signatures,
  // account keys, passwords, OAuth tokens.
  [
    /\b(sig|AccountKey|SharedAccessSignature|SharedAccessKey|Password|pwd|client_secret|access_token|refresh_token|id_token|token)=[^&;\s"'<>]+/gi,
    `$1=${SECRET_CENSOR}`,
  ],
  // Passwords in URLs: scheme://user:password@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi, `$1${SECRET_CENSOR}@`],
  // Playback and download links: the token is the secret.
  [TOKEN_IN_PATH, "$1[token]"],
];

/**
 * Replaces phone numbers and secrets in free text. Exported so other edges
 * (error reports, CLI output) can use the same rules as the logs.
 */
export function scrubText(text: string): string {
  if (!SUSPICIOUS.test(text)) return text;
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out.replace(PHONE_RUN, scrubPhoneRun);
}

/** pino's streamWrite hook: scrubs every string in one serialised log line. */
export function scrubLogLine(line: string): string {
  if (!SUSPICIOUS.test(line)) return line;
  let censorNext: string | undefined;
  let expectValueAt = -1;
  return line.replace(JSON_STRING, (literal: string, _body: string, colon: string, offset: number) => {
    const isValueOfSensitiveKey = censorNext !== undefined && offset === expectValueAt;
    const replacement = censorNext;
    censorNext = undefined;
    if (colon) {
      // A key: remember whether the string value straight after it must be censored.
      const key = parseLiteral(literal.slice(0, -1))?.toLowerCase() ?? "";
      if (NUMBER_KEY_SET.has(key)) censorNext = NUMBER_CENSOR;
      else if (SECRET_KEY_SET.has(key)) censorNext = SECRET_CENSOR;
      expectValueAt = offset + literal.length;
      return literal;
    }
    if (isValueOfSensitiveKey && replacement) return JSON.stringify(replacement);
    if (!SUSPICIOUS.test(literal)) return literal;
    const value = parseLiteral(literal);
    if (value === undefined) return literal;
    const scrubbed = scrubText(value);
    return scrubbed === value ? literal : JSON.stringify(scrubbed);
  });
}

function parseLiteral(literal: string): string | undefined {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return undefined;
  }
}

/**
 * Given a run of digits and separators, censors the parts that are phone
 * numbers. A run can hold more than one thing ("at 1430 01427 700700"), so
 * each group of digits after a space or bracket is tried as the start of a
 * number, and the longest number starting there wins.
 */
function scrubPhoneRun(run: string): string {
  const groups = [...run.matchAll(DIGITS)].map((m) => ({ start: m.index, end: m.index + m[0].length, digits: m[0] }));
  const leadingPlus = /^\(?\+/.test(run);
  let out = "";
  let cursor = 0;
  let i = 0;
  while (i < groups.length) {
    const here = groups[i]!;
    // A number starts at the beginning of the run or after a space or bracket,
    // never after a hyphen (dates such as 2026-11-21 would split oddly).
    const before = i === 0 ? "" : run.slice(groups[i - 1]!.end, here.start);
    let matched = -1;
    if (i === 0 || /[ \u00a0(]/.test(before)) {
      // The longest number wins. None has more than 17 digits, which also
      // keeps a run of thousands of digit groups linear.
      let digits = "";
      for (let j = i; j < groups.length && digits.length <= 17; j++) {
        digits += groups[j]!.digits;
        if (looksLikePhoneNumber(digits, i === 0 && leadingPlus)) matched = j;
      }
    }
    if (matched < 0) {
      i++;
      continue;
    }
    // Include a leading "+" or "(" and a closing ")" that belong to the number.
    let start = here.start;
    if (i === 0) start = 0;
    else if (before.endsWith("(")) start -= 1;
    let end = groups[matched]!.end;
    if (run[end] === ")" && run.slice(start, end).includes("(")) end += 1;
    out += run.slice(cursor, start) + NUMBER_CENSOR;
    cursor = end;
    i = matched + 1;
  }
  return cursor === 0 ? run : out + run.slice(cursor);
}

/**
 * UK numbers as written nationally (0 then 9 or 10 digits), international
 * numbers with "+" or "00", and E.164 written without its "+" (44 then 9 or
 * 10 digits, as some phone systems export them).
 */
function looksLikePhoneNumber(digits: string, plus: boolean): boolean {
  const n = digits.length;
  // "+44 (0)20 ..." keeps its trunk 0, hence one digit more than E.164's 15.
  if (plus) return n >= 7 && n <= 16;
  if (digits.startsWith("00")) return digits[2] !== "0" && n >= 10 && n <= 17;
  if (digits.startsWith("0")) return n >= 10 && n <= 11;
  if (digits.startsWith("44")) return digits[2] !== "0" && n >= 11 && n <= 12;
  return false;
}
