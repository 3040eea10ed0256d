/**
 * The Ed25519 key that signs audit anchors (node:crypto; no dependency). It
 * comes from a setting (CALLGATE_AUDIT_SIGNING_KEY, PEM or base64 PKCS#8),
 * never from the database. The embedded trial with no key configured gets one
 * generated under the data directory (outside the database); a production
 * database (DATABASE_URL) without one refuses to start the server.
 * Verification needs only public keys: the signing key's own, and any given
 * in CALLGATE_AUDIT_VERIFY_KEY (for a verifying machine, or keys rotated out).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { AnchorSigner, AnchorVerifier } from "../core/ports/audit-anchor-store.ts";

/** Where the trial's generated key is kept, inside the data directory. */
export function trialKeyPath(dataDir: string): string {
  return join(dataDir, "audit-signing-key.pem");
}

/** A private key from PEM or base64 PKCS#8 DER; throws unless it is Ed25519. */
export function parseSigningKey(text: string): KeyObject {
  const value = text.trim();
  const key = value.includes("-----BEGIN") ? createPrivateKey(value) : createPrivateKey({ key: Buffer.from(value, "base64"), format: "der", type: "pkcs8" });
  if (key.asymmetricKeyType !== "ed25519") throw new Error("not an Ed25519 private key");
  return key;
}

/** A public key from PEM or base64 SPKI DER; throws unless it is Ed25519. */
export function parseVerifyKey(text: string): KeyObject {
  const value = text.trim();
  const key = value.includes("-----BEGIN") ? createPublicKey(value) : createPublicKey({ key: Buffer.from(value, "base64"), format: "der", type: "spki" });
  if (key.asymmetricKeyType !== "ed25519") throw new Error("not an Ed25519 public key");
  return key;
}

/** The key id anchors carry: the first 16 bytes of SHA-256 of the public key (SPKI DER), hex. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ format: "der", type: "spki" })).digest("hex").slice(0, 32);
}

export function ed25519Signer(privateKey: KeyObject): AnchorSigner {
  const keyId = keyIdOf(createPublicKey(privateKey));
  return { keyId, sign: (data) => sign(null, data, privateKey) };
}

export function ed25519Verifier(publicKeys: KeyObject[]): AnchorVerifier {
  const byId = new Map(publicKeys.map((k) => [keyIdOf(k), k]));
  return {
    verify(keyId, data, signature) {
      const key = byId.get(keyId);
      if (!key) return false;
      try {
        return verify(null, data, key, signature);
      } catch {
        return false;
      }
    },
  };
}

/** The trial's key under the data directory, generated (readable by this user only) if there is none yet. */
export function loadOrCreateTrialKey(dataDir: string): { key: KeyObject; created: boolean; path: string } {
  const path = trialKeyPath(dataDir);
  if (existsSync(path)) return { key: parseSigningKey(readFileSync(path, "utf8")), created: false, path };
  mkdirSync(dirname(path), { recursive: true });
  const { privateKey } = generateKeyPairSync("ed25519");
  writeFileSync(path, privateKey.export({ format: "pem", type: "pkcs8" }).toString(), { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return { key: privateKey, created: true, path };
}
