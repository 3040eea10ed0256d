import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createLogger, scrubText, type Logger } from "../../src/infra/logger.ts";

/** A logger writing into memory, and the lines it wrote. */
function capture(): { logger: Logger; lines: string[]; last(): Record<string, unknown> } {
  const lines: string[] = [];
  const logger = createLogger({ level: "trace", destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, last: () => JSON.parse(lines.at(-1) ?? "{}") as Record<string, unknown> };
}

const NUMBERS = ["01427 700700", "+44 1427 700700", "07700900123", "(020) 7946 0018", "+44 (0)20 7946 0018", "0044 20 7946 0018", "020-7946-0018", "+1 (415) 555-2671", "+33 1 23 45 67 89", "441427700700", "+441427700700"];

describe("log redaction", () => {
  it.each(NUMBERS)("never writes the phone number %s, wherever it is in the line", (number) => {
    const { logger, lines } = capture();
    logger.info({ note: `caller ${number} rang`, nested: { deeper: { text: `tel:${number}` } }, list: [`${number}`] }, `call from ${number} at 14:30`);
    logger.child({ about: number }).error(new Error(`lookup failed for ${number}.`));
    const output = lines.join("");
    const digits = number.replace(/\D/g, "");
    expect(output).not.toContain(number);
    expect(output.replace(/\D/g, " ")).not.toContain(digits);
    expect(output).toContain("[number]");
  });

  it("scrubs a number that follows an escaped newline, as in a logged Slack request body", () => {
    const { logger, lines } = capture();
    logger.info({ body: JSON.stringify({ text: "*External number*\n020 7946 0001" }) }, "web API call");
    expect(lines.join("")).not.toContain("7946");
  });

  it("censors values under sensitive keys at any depth, whatever their type", () => {
    const { logger, last } = capture();
    logger.info({
      externalNumber: "+441427700700",
      number: 7700900123,
      request: { token: "opaque", caller: { phoneNumber: "07700 900123" } },
      a: { b: { c: { d: { clientSecret: "deep-secret-value" } } } },
      req: { headers: { authorization: "Basic dXNlcjpwYXNz", cookie: "session=abc", "x-slack-signature": "v0=abc" } },
      res: { headers: { "set-cookie": "session=abc" } },
    });
    const line = last();
    expect(line.externalNumber).toBe("[number]");
    expect(line.number).toBe("[number]");
    expect(line.request).toEqual({ token: "[secret]", caller: { phoneNumber: "[number]" } });
    expect(JSON.stringify(line.a)).not.toContain("deep-secret-value");
    expect(line.req).toEqual({ headers: { authorization: "[secret]", cookie: "[secret]", "x-slack-signature": "[secret]" } });
    expect(line.res).toEqual({ headers: { "set-cookie": "[secret]" } });
  });

  it("scrubs secrets from messages, nested strings and errors", () => {
    const { logger, lines } = capture();
    const secrets = [
      "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp",
      "xoxp-1111-2222-3333-abcdef",
      "sig=K6i%2Fz3YtQ%3D",
      "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
      "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib3QifQ.c2lnbmF0dXJl",
      "postgresql://callgate:hunter2@db.internal:5432/callgate",
      "/play/q9Xr2tVbN8mKp3LwZs7YdA",
    ];
    logger.info({ blobUrl: `https://acct.blob.core.windows.net/recordings/a.wav?sv=2024-08-04&sr=b&sp=r&${secrets[2]}` }, `token ${secrets[0]} used`);
    logger.warn({ detail: { inner: `connection DefaultEndpointsProtocol=https;AccountName=acct;${secrets[3]};EndpointSuffix=core.windows.net` } }, secrets[1]!);
    logger.error(new Error(`fetch failed with Authorization: ${secrets[4]} to ${secrets[5]}`));
    logger.info({ link: `https://callgate.example.org${secrets[6]}` }, "link issued");
    const output = lines.join("");
    expect(output).not.toContain("AbCdEfGhIjKlMnOp");
    expect(output).not.toContain("xoxp-1111");
    expect(output).not.toContain("K6i%2Fz3YtQ");
    expect(output).not.toContain("Eby8vdM02x");
    expect(output).not.toContain("eyJhbGciOiJSUzI1NiJ9");
    expect(output).not.toContain("hunter2");
    expect(output).not.toContain("q9Xr2tVbN8mKp3LwZs7YdA");
    // What is not secret is still there to debug with.
    expect(output).toContain("AccountName=acct");
    expect(output).toContain("sp=r");
    expect(output).toContain("db.internal:5432/callgate");
    expect(output).toContain("https://callgate.example.org/play/[token]");
  });

  it("leaves ordinary text alone: timestamps, UUIDs, references, ports, durations, counts", () => {
    const ordinary = [
      "request CG-000123 approved by dana@example.org",
      "listening on http://127.0.0.1:3978 at 2026-11-21T14:30:00.000Z",
      "grant 550e8400-e29b-41d4-a716-446655440000 expires 21/11/2026 14:30",
      "imported 100000 recordings in 1534 ms (65189 per second)",
      "slack ts 1732281234.567890, epoch 1732281234567, version 1.2.3",
      "sha256 0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
      "retry 3 of 5 after 250ms; 2 approvals of 2",
    ];
    const { logger, last } = capture();
    for (const text of ordinary) {
      logger.info({ text, durationMs: 12.5, count: 1_000_000 }, text);
      const line = last();
      expect(line.msg).toBe(text);
      expect(line.text).toBe(text);
      expect(line.durationMs).toBe(12.5);
      expect(line.count).toBe(1_000_000);
    }
  });

  it("writes level names and ISO times", () => {
    const { logger, last } = capture();
    logger.warn("careful");
    const line = last();
    expect(line.level).toBe("warn");
    expect(line.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it("never lets a randomly written UK number embedded in text survive", () => {
    const digit = fc.integer({ min: 0, max: 9 }).map(String);
    const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(""));
    // National significant numbers: geographic (1xxx xxxxxx, 2x xxxx xxxx), mobile (7xxx xxxxxx), non-geographic (3xx, 8xx).
    const nsn = fc.oneof(
      digits(9).map((d) => `1${d}`),
      digits(8).map((d) => `2${d}`),
      digits(9).map((d) => `7${d}`),
      digits(9).map((d) => `3${d}`),
      digits(9).map((d) => `8${d}`),
    );
    const written = (n: string): fc.Arbitrary<string> => {
      const [a, b] = n.startsWith("2") ? [n.slice(0, 2), n.slice(2)] : [n.slice(0, 4), n.slice(4)];
      const half = Math.ceil(b.length / 2);
      return fc.constantFrom(
        `0${n}`,
        `0${a} ${b}`,
        `0${a} ${b.slice(0, half)} ${b.slice(half)}`,
        `(0${a}) ${b}`,
        `0${a}-${b}`,
        `+44${n}`,
        `+44 ${a} ${b}`,
        `+44 (0)${a} ${b}`,
        `0044 ${a} ${b}`,
        `44${n}`,
      );
    };
    const word = fc.constantFrom("call", "from", "the", "CG-000123", "14:30", "2026-11-21", "inbound", "ext.", "about", "site", "£5");
    const words = fc.array(word, { maxLength: 6 }).map((w) => w.join(" "));
    const before = fc.constantFrom(" ", ": ", "=", " (", "\n", "\t", " tel:", "_");
    const after = fc.constantFrom(" ", ", ", ". ", ")", "!", "\n", "_", ".wav ");

    fc.assert(
      fc.property(
        nsn.chain((n) => fc.tuple(fc.constant(n), written(n))),
        words,
        before,
        after,
        words,
        ([n, number], head, sep1, sep2, tail) => {
          const text = `${head}${sep1}${number}${sep2}${tail}`;
          const { logger, last } = capture();
          logger.info({ detail: { text } }, text);
          const line = last();
          for (const value of [String(line.msg), JSON.stringify(line.detail)]) {
            expect(value).toContain("[number]");
            expect(value.replace(/\D/g, "")).not.toContain(n);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("leaves random UUIDs and ISO timestamps untouched", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }), (uuid, date) => {
        const text = `grant ${uuid} at ${date.toISOString()}`;
        expect(scrubText(text)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it("scrubs a thousand ordinary lines quickly", () => {
    const { logger } = capture();
    const started = performance.now();
    for (let i = 0; i < 1_000; i++) logger.info({ requestId: "550e8400-e29b-41d4-a716-446655440000", durationMs: i }, `request CG-${String(i).padStart(6, "0")} from 01427 700700`);
    // Generous: about 20 µs a line on the project's machines.
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("token-bearing paths in logs", () => {
  const TOKEN = "Zq8wR3nT6yU1iO4pA7sD0fG2hJ5kL9xC3vB6nM1qW4e";
  it.each(["/play/", "/PLAY/", "/Play/", "/files/", "/FILES/", "/Files/", "/play//"])("never writes the token after %s, in messages, fields or errors", (prefix) => {
    const { logger, lines } = capture();
    const link = `https://callgate.example.org${prefix}${TOKEN}`;
    logger.info({ url: link, nested: { path: `${prefix}${TOKEN}/audio` } }, `opened ${link}?x=1`);
    logger.error(new Error(`fetch ${link} failed`));
    const output = lines.join("");
    expect(output).not.toContain(TOKEN);
    expect(output).toContain(`${prefix}[token]`);
    expect(scrubText(`see ${prefix}${TOKEN}#here`)).toBe(`see ${prefix}[token]#here`);
  });
});
