/**
 * Where the audit chain is anchored outside the database: signed records of
 * the chain's head (seq and hash), kept where someone with write access to
 * the database cannot reach them. The store is append-only by contract and,
 * in Azure, by construction (an append blob in its own container under an
 * immutability policy; see docs/audit-anchoring.md).
 */

/** An append-only log of lines. It never overwrites or deletes what it holds. */
export interface AuditAnchorStore {
  /** Appends one line (no newline inside it) after every line already stored. */
  append(line: string): Promise<void>;
  /** Every line stored, oldest first. */
  list(): Promise<string[]>;
}

/** Signs anchors with the audit signing key (Ed25519). The key never lives in the database. */
export interface AnchorSigner {
  /** Names the key in each anchor, so a verifier knows which public key to use. */
  readonly keyId: string;
  sign(data: Buffer): Buffer;
}

/** Checks anchor signatures against the public keys it knows. */
export interface AnchorVerifier {
  /** True only if `keyId` is a known key and `signature` is its signature of `data`. */
  verify(keyId: string, data: Buffer, signature: Buffer): boolean;
}

/** What a context needs to anchor the chain (signer) and to check it against the anchors (store, verifier). */
export interface AuditAnchoring {
  store: AuditAnchorStore;
  /** Absent where only verification is possible (a verify key without the signing key). */
  signer?: AnchorSigner;
  verifier: AnchorVerifier;
}
