/**
 * Signed anchors of the audit chain, kept outside the database.
 *
 * The hash chain alone shows that the log is consistent, not that it is the
 * log that was written: someone who can write to the database can cut the
 * tail and move the head, or edit an entry and recompute every hash after
 * it. An anchor is a record of the head (seq, hash, time, key id) signed with
 * an Ed25519 key the database never holds, appended to a store the app can
 * only append to. A rewritten log disagrees with the anchors; a cut tail
 * leaves the head behind the newest anchor.
 */
import canonicalize from "canonicalize";
import type { CoreContext, Db } from "../context.ts";
import type { AuditAnchoring } from "../ports/audit-anchor-store.ts";
import { walkChainFrom } from "./verify-audit-chain.ts";

/** What an anchor says: the chain's head at one moment. */
export interface AuditAnchor {
  seq: bigint;
  hash: string;
  at: Date;
  keyId: string;
}

/** A stored line that cannot be trusted: garbled, signed by an unknown key, or with a bad signature. */
export interface ForgedAnchor {
  /** Position in the store, from 1. */
  line: number;
  /** The seq it claims, when it can be read. */
  seq: bigint | null;
  why: string;
}

/** One problem the anchors show about the log. */
export interface AnchorFinding {
  kind: "anchor-mismatch" | "missing-tail" | "anchor-forged";
  seq: bigint;
  problem: string;
}

/** The signed record as it is serialised: bigints as strings, canonical JSON. */
interface AnchorBody {
  v: 1;
  seq: string;
  hash: string;
  at: string;
  keyId: string;
}

function bodyBytes(body: AnchorBody): Buffer {
  return Buffer.from(canonicalize(body) ?? "", "utf8");
}

/** One line for the store: the anchor and its signature. */
export function signAnchor(signer: NonNullable<AuditAnchoring["signer"]>, anchor: Omit<AuditAnchor, "keyId">): string {
  const body: AnchorBody = { v: 1, seq: anchor.seq.toString(), hash: anchor.hash, at: anchor.at.toISOString(), keyId: signer.keyId };
  return JSON.stringify({ anchor: body, sig: signer.sign(bodyBytes(body)).toString("base64") });
}

/** Every anchor in the store whose signature holds, and every line that does not. */
export async function readAnchors(anchoring: AuditAnchoring): Promise<{ valid: AuditAnchor[]; forged: ForgedAnchor[] }> {
  const lines = await anchoring.store.list();
  const valid: AuditAnchor[] = [];
  const forged: ForgedAnchor[] = [];
  lines.forEach((text, index) => {
    const line = index + 1;
    let parsed: { anchor?: Partial<AnchorBody>; sig?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      forged.push({ line, seq: null, why: "it is not a readable anchor" });
      return;
    }
    const body = parsed.anchor;
    const seqText = typeof body?.seq === "string" && /^\d{1,19}$/.test(body.seq) ? body.seq : null;
    const seq = seqText === null ? null : BigInt(seqText);
    if (!body || body.v !== 1 || seq === null || typeof body.hash !== "string" || typeof body.at !== "string" || typeof body.keyId !== "string" || typeof parsed.sig !== "string" || Number.isNaN(Date.parse(body.at))) {
      forged.push({ line, seq, why: "it is not a readable anchor" });
      return;
    }
    const exact: AnchorBody = { v: 1, seq: seqText!, hash: body.hash, at: body.at, keyId: body.keyId };
    if (!anchoring.verifier.verify(exact.keyId, bodyBytes(exact), Buffer.from(parsed.sig, "base64"))) {
      forged.push({ line, seq, why: `its signature does not verify with the key ${exact.keyId.slice(0, 40)}` });
      return;
    }
    valid.push({ seq: seq!, hash: exact.hash, at: new Date(exact.at), keyId: exact.keyId });
  });
  return { valid, forged };
}

/** The newest anchor by seq, if any. */
export function newestAnchor(anchors: AuditAnchor[]): AuditAnchor | undefined {
  return anchors.reduce<AuditAnchor | undefined>((best, a) => (!best || a.seq > best.seq ? a : best), undefined);
}

/**
 * Checks the log against every anchor: each must be validly signed, the entry
 * it names must still exist with the hash it recorded, and the head must not
 * be behind the newest one. The first finding of each kind is returned.
 */
export async function checkAgainstAnchors(db: Db, anchoring: AuditAnchoring): Promise<{ findings: AnchorFinding[]; checked: number; newestSeq: bigint | null }> {
  const { valid, forged } = await readAnchors(anchoring);
  const findings: AnchorFinding[] = [];
  const firstForged = forged[0];
  if (firstForged) {
    findings.push({
      kind: "anchor-forged",
      seq: firstForged.seq ?? 0n,
      problem: `anchor ${firstForged.line} in the anchor store cannot be trusted (${firstForged.why}): someone wrote to the anchor store outside Callgate`,
    });
  }
  const head = await db.auditHead.findUnique({ where: { id: 1 } });
  const headSeq = head?.seq ?? 0n;
  const newest = newestAnchor(valid);
  if (newest && newest.seq > headSeq) {
    findings.push({
      kind: "missing-tail",
      seq: headSeq + 1n,
      problem: `the log ends at entry ${headSeq} but the signed anchor of ${newest.at.toISOString()} recorded entry ${newest.seq}: entries were removed from the end`,
    });
  }
  const seqs = [...new Set(valid.filter((a) => a.seq <= headSeq).map((a) => a.seq))];
  const rows = new Map<bigint, string>();
  for (let i = 0; i < seqs.length; i += 5000) {
    const found = await db.auditEntry.findMany({ where: { seq: { in: seqs.slice(i, i + 5000) } }, select: { seq: true, hash: true } });
    for (const row of found) rows.set(row.seq, row.hash);
  }
  const mismatch = valid
    .filter((a) => a.seq <= headSeq && rows.get(a.seq) !== a.hash)
    .sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0))[0];
  if (mismatch) {
    findings.push({
      kind: "anchor-mismatch",
      seq: mismatch.seq,
      problem: rows.has(mismatch.seq)
        ? `entry ${mismatch.seq} differs from the signed anchor of ${mismatch.at.toISOString()}: the log was rewritten`
        : `entry ${mismatch.seq} is missing, but the signed anchor of ${mismatch.at.toISOString()} recorded it: the log was rewritten`,
    });
  }
  return { findings, checked: valid.length + forged.length, newestSeq: newest?.seq ?? null };
}

/** What writeAuditAnchor did. */
export type AnchorWritten =
  | { written: true; anchor: AuditAnchor }
  | { written: false; reason: "no-signer" | "empty" | "unchanged" | "chain-broken"; detail?: string };

/**
 * Anchors the current head if it moved since the newest anchor, after
 * checking that the entries since that anchor link to it (an anchor must
 * never vouch for a log that was already rewritten). Callers tell the DPOs.
 */
export async function writeAuditAnchor(ctx: Pick<CoreContext, "db" | "clock" | "anchoring">): Promise<AnchorWritten> {
  const anchoring = ctx.anchoring;
  if (!anchoring?.signer) return { written: false, reason: "no-signer" };
  const head = await ctx.db.auditHead.findUnique({ where: { id: 1 } });
  if (!head || head.seq === 0n) return { written: false, reason: "empty" };
  const { valid } = await readAnchors(anchoring);
  const newest = newestAnchor(valid);
  if (newest && newest.seq === head.seq && newest.hash === head.hash) return { written: false, reason: "unchanged" };
  const walk = await walkChainFrom(ctx.db, newest ? { seq: newest.seq, hash: newest.hash } : undefined);
  if (!walk.ok) return { written: false, reason: "chain-broken", detail: walk.firstBad?.problem };
  const anchor = { seq: walk.reached.seq, hash: walk.reached.hash, at: ctx.clock.now() };
  await anchoring.store.append(signAnchor(anchoring.signer, anchor));
  return { written: true, anchor: { ...anchor, keyId: anchoring.signer.keyId } };
}
