-- CreateTable
CREATE TABLE "AuditBreak" (
    "id" UUID NOT NULL,
    "firstSeq" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "problem" TEXT NOT NULL,
    "foundAt" TIMESTAMPTZ(3) NOT NULL,
    "acknowledgedAt" TIMESTAMPTZ(3),
    "acknowledgedBy" TEXT,
    "acknowledgeReason" TEXT,

    CONSTRAINT "AuditBreak_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditBreak_kind_firstSeq_key" ON "AuditBreak"("kind", "firstSeq");

-- CreateIndex
CREATE INDEX "AuditBreak_acknowledgedAt_idx" ON "AuditBreak"("acknowledgedAt");

-- A break remembered by the old verifier (in the "audit-verify" JobLease row) becomes a row,
-- so upgrading does not forget it.
INSERT INTO "AuditBreak" ("id", "firstSeq", "kind", "problem", "foundAt")
SELECT gen_random_uuid(), ("lastResult"->'broken'->>'seq')::bigint, 'chain', "lastResult"->'broken'->>'problem', ("lastResult"->'broken'->>'foundAt')::timestamptz
FROM "JobLease"
WHERE name = 'audit-verify' AND jsonb_typeof("lastResult"->'broken') = 'object';
