-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "CallDirection" AS ENUM ('INBOUND', 'OUTBOUND', 'INTERNAL');

-- CreateEnum
CREATE TYPE "CatalogueSource" AS ENUM ('BLOB', 'CALL_LOG');

-- CreateEnum
CREATE TYPE "RequestType" AS ENUM ('RECORDING', 'CALL_LOG');

-- CreateEnum
CREATE TYPE "RequestStatus" AS ENUM ('PENDING_APPROVAL', 'AWAITING_CONSENT', 'AWAITING_FULFILMENT', 'FULFILLED', 'DENIED', 'CONSENT_REFUSED', 'NOT_FOUND', 'WITHDRAWN', 'EXPIRED');

-- CreateEnum
CREATE TYPE "DecisionOutcome" AS ENUM ('APPROVED', 'DENIED');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'SENT', 'FAILED');

-- CreateTable
CREATE TABLE "Recording" (
    "id" UUID NOT NULL,
    "callId" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "durationSeconds" INTEGER NOT NULL,
    "direction" "CallDirection" NOT NULL,
    "externalNumber" TEXT,
    "extension" TEXT,
    "siteId" TEXT,
    "staffEmail" TEXT,
    "retentionClass" TEXT NOT NULL DEFAULT 'standard',
    "blobName" TEXT,
    "contentType" TEXT,
    "sizeBytes" BIGINT,
    "source" "CatalogueSource" NOT NULL,
    "importedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Recording_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportCursor" (
    "source" TEXT NOT NULL,
    "continuationToken" TEXT,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "completedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ImportCursor_pkey" PRIMARY KEY ("source")
);

-- CreateTable
CREATE TABLE "RecordingRequest" (
    "id" UUID NOT NULL,
    "reference" TEXT NOT NULL,
    "submissionKey" TEXT,
    "requesterEmail" TEXT NOT NULL,
    "purposeId" TEXT NOT NULL,
    "type" "RequestType" NOT NULL,
    "status" "RequestStatus" NOT NULL,
    "siteId" TEXT,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    "windowEnd" TIMESTAMPTZ(3) NOT NULL,
    "direction" "CallDirection",
    "externalNumber" TEXT,
    "extension" TEXT,
    "parties" TEXT,
    "reason" TEXT NOT NULL,
    "employeeEmail" TEXT,
    "recordingId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "decidedAt" TIMESTAMPTZ(3),
    "closedAt" TIMESTAMPTZ(3),
    "lastRemindedAt" TIMESTAMPTZ(3),

    CONSTRAINT "RecordingRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Decision" (
    "id" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "deciderEmail" TEXT NOT NULL,
    "outcome" "DecisionOutcome" NOT NULL,
    "reason" TEXT,
    "decidedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Decision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Consent" (
    "requestId" UUID NOT NULL,
    "employeeEmail" TEXT NOT NULL,
    "given" BOOLEAN NOT NULL,
    "answeredAt" TIMESTAMPTZ(3) NOT NULL,
    "withdrawnAt" TIMESTAMPTZ(3),

    CONSTRAINT "Consent_pkey" PRIMARY KEY ("requestId")
);

-- CreateTable
CREATE TABLE "PlaybackGrant" (
    "id" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "recordingId" UUID NOT NULL,
    "requesterEmail" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "issuedAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),
    "revokedBy" TEXT,
    "endedNotifiedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PlaybackGrant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "seq" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT,
    "requestId" UUID,
    "purposeId" TEXT,
    "details" JSONB NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "AuditHead" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditHead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" UUID NOT NULL,
    "recipientEmail" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "requestId" UUID,
    "payload" JSONB NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChatMessage" (
    "id" UUID NOT NULL,
    "requestId" UUID,
    "recipientEmail" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "reference" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ChatMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChatIdentity" (
    "platform" TEXT NOT NULL,
    "platformUserId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "address" JSONB,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ChatIdentity_pkey" PRIMARY KEY ("platform","platformUserId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Recording_callId_key" ON "Recording"("callId");

-- CreateIndex
CREATE UNIQUE INDEX "Recording_blobName_key" ON "Recording"("blobName");

-- CreateIndex
CREATE INDEX "Recording_externalNumber_startedAt_idx" ON "Recording"("externalNumber", "startedAt");

-- CreateIndex
CREATE INDEX "Recording_extension_startedAt_idx" ON "Recording"("extension", "startedAt");

-- CreateIndex
CREATE INDEX "Recording_siteId_startedAt_idx" ON "Recording"("siteId", "startedAt");

-- CreateIndex
CREATE INDEX "Recording_startedAt_idx" ON "Recording"("startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "RecordingRequest_reference_key" ON "RecordingRequest"("reference");

-- CreateIndex
CREATE UNIQUE INDEX "RecordingRequest_submissionKey_key" ON "RecordingRequest"("submissionKey");

-- CreateIndex
CREATE INDEX "RecordingRequest_requesterEmail_createdAt_idx" ON "RecordingRequest"("requesterEmail", "createdAt");

-- CreateIndex
CREATE INDEX "RecordingRequest_status_createdAt_idx" ON "RecordingRequest"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Decision_requestId_deciderEmail_key" ON "Decision"("requestId", "deciderEmail");

-- CreateIndex
CREATE UNIQUE INDEX "PlaybackGrant_tokenHash_key" ON "PlaybackGrant"("tokenHash");

-- CreateIndex
CREATE INDEX "PlaybackGrant_expiresAt_idx" ON "PlaybackGrant"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_hash_key" ON "AuditEntry"("hash");

-- CreateIndex
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");

-- CreateIndex
CREATE INDEX "AuditEntry_requestId_idx" ON "AuditEntry"("requestId");

-- CreateIndex
CREATE INDEX "AuditEntry_actor_at_idx" ON "AuditEntry"("actor", "at");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "ChatMessage_requestId_idx" ON "ChatMessage"("requestId");

-- CreateIndex
CREATE UNIQUE INDEX "ChatMessage_platform_conversationId_messageId_key" ON "ChatMessage"("platform", "conversationId", "messageId");

-- CreateIndex
CREATE INDEX "ChatIdentity_email_idx" ON "ChatIdentity"("email");

-- AddForeignKey
ALTER TABLE "RecordingRequest" ADD CONSTRAINT "RecordingRequest_recordingId_fkey" FOREIGN KEY ("recordingId") REFERENCES "Recording"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "RecordingRequest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consent" ADD CONSTRAINT "Consent_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "RecordingRequest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlaybackGrant" ADD CONSTRAINT "PlaybackGrant_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "RecordingRequest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlaybackGrant" ADD CONSTRAINT "PlaybackGrant_recordingId_fkey" FOREIGN KEY ("recordingId") REFERENCES "Recording"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChatMessage" ADD CONSTRAINT "ChatMessage_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "RecordingRequest"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- The audit chain starts from a fixed genesis hash.
INSERT INTO "AuditHead" ("id", "seq", "hash") VALUES (1, 0, 'GENESIS');

-- Human request references (CG-000123) come from a sequence, so concurrent submissions never collide.
CREATE SEQUENCE "request_reference_seq";
