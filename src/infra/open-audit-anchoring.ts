/**
 * Builds the context's AuditAnchoring from the configuration: the anchor
 * store, the signer and the verifier. Which key signs:
 * - CALLGATE_AUDIT_SIGNING_KEY when set (production; from a setting, which a
 *   platform may fill from Azure Key Vault; Callgate does not call Key Vault itself);
 * - on the embedded trial (no DATABASE_URL) with no key, one generated under
 *   CALLGATE_DATA_DIR (outside the database), logged when created;
 * - a production database without a key: the server refuses to start (the
 *   log could be rewritten unnoticed); the CLI can still verify with
 *   CALLGATE_AUDIT_VERIFY_KEY alone, and with no key at all it checks the
 *   chain without anchors and says so.
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import { AppError } from "../core/errors.ts";
import type { AuditAnchoring, AuditAnchorStore } from "../core/ports/audit-anchor-store.ts";
import { ed25519Signer, ed25519Verifier, loadOrCreateTrialKey, parseSigningKey, parseVerifyKey } from "./audit-signing-key.ts";
import type { Config } from "./config.ts";

export interface OpenedAuditAnchoring {
  /** Undefined only for the CLI on a production database with no key configured. */
  anchoring?: AuditAnchoring;
  /** Set when a trial key was generated now, for the caller to log. */
  createdKeyPath?: string;
}

export function openAuditAnchoring(config: Pick<Config, "auditAnchoring" | "database" | "dataDir">, store: AuditAnchorStore, use: "server" | "cli"): OpenedAuditAnchoring {
  const verifyKeys = config.auditAnchoring.verifyKeys.map(parseVerifyKey);
  let signingKey: KeyObject | undefined;
  let createdKeyPath: string | undefined;
  if (config.auditAnchoring.signingKey) {
    signingKey = parseSigningKey(config.auditAnchoring.signingKey);
  } else if (config.database.kind === "pglite") {
    const trial = loadOrCreateTrialKey(config.dataDir);
    signingKey = trial.key;
    if (trial.created) createdKeyPath = trial.path;
  } else if (use === "server") {
    throw new AppError(
      "CONFIG_INVALID",
      "Callgate cannot start: CALLGATE_AUDIT_SIGNING_KEY must be set when DATABASE_URL is set. Without it the audit log is not anchored outside the database, and anyone who can write to the database could rewrite it unnoticed. Create one with `openssl genpkey -algorithm ed25519` and keep it in a secret store (see docs/audit-anchoring.md).",
    );
  }
  const publicKeys = signingKey ? [createPublicKey(signingKey), ...verifyKeys] : verifyKeys;
  if (publicKeys.length === 0) return {};
  return {
    anchoring: { store, ...(signingKey ? { signer: ed25519Signer(signingKey) } : {}), verifier: ed25519Verifier(publicKeys) },
    ...(createdKeyPath ? { createdKeyPath } : {}),
  };
}
