-- CreateEnum
CREATE TYPE "HoldKind" AS ENUM ('LEGAL', 'SUBJECT_ACCESS', 'INVESTIGATION');

-- CreateEnum
CREATE TYPE "SubjectAccessStatus" AS ENUM ('OPEN', 'COMPLETED', 'PARTIALLY_REFUSED', 'REFUSED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "ErasureStatus" AS ENUM ('PROPOSED', 'CONFIRMED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "CovertStatus" AS ENUM ('ACTIVE', 'ENDED');

-- DropForeignKey
ALTER TABLE "PlaybackGrant" DROP CONSTRAINT "PlaybackGrant_recordingId_fkey";

-- AlterTable
ALTER TABLE "PlaybackGrant" ALTER COLUMN "recordingId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "Hold" (
    "id" UUID NOT NULL,
    "reference" TEXT NOT NULL,
    "kind" "HoldKind" NOT NULL,
    "reason" TEXT NOT NULL,
    "maskedNumbers" TEXT[],
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "releasedAt" TIMESTAMPTZ(3),
    "releasedBy" TEXT,
    "releaseReason" TEXT,
    "subjectAccessId" UUID,

    CONSTRAINT "Hold_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HeldRecording" (
    "holdId" UUID NOT NULL,
    "recordingId" UUID NOT NULL,

    CONSTRAINT "HeldRecording_pkey" PRIMARY KEY ("holdId","recordingId")
);

-- CreateTable
CREATE TABLE "DeletionRecord" (
    "id" UUID NOT NULL,
    "callId" TEXT NOT NULL,
    "rowSha256" TEXT NOT NULL,
    "blobSha256" TEXT,
    "rule" TEXT NOT NULL,
    "deletedAt" TIMESTAMPTZ(3) NOT NULL,
    "deletedBy" TEXT NOT NULL,
    "runId" UUID,

    CONSTRAINT "DeletionRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobLease" (
    "name" TEXT NOT NULL,
    "holder" TEXT,
    "leaseUntil" TIMESTAMPTZ(3),
    "lastStartedAt" TIMESTAMPTZ(3),
    "lastFinishedAt" TIMESTAMPTZ(3),
    "lastResult" JSONB,

    CONSTRAINT "JobLease_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "SubjectAccessRequest" (
    "id" UUID NOT NULL,
    "reference" TEXT NOT NULL,
    "subjectName" TEXT NOT NULL,
    "numbers" TEXT[],
    "identityVerification" TEXT,
    "receivedOn" DATE NOT NULL,
    "pausedDays" INTEGER NOT NULL DEFAULT 0,
    "pausedSince" DATE,
    "pauseReason" TEXT,
    "extendedByMonths" INTEGER NOT NULL DEFAULT 0,
    "extensionReason" TEXT,
    "dueOn" DATE NOT NULL,
    "status" "SubjectAccessStatus" NOT NULL DEFAULT 'OPEN',
    "ownerEmail" TEXT NOT NULL,
    "openedAt" TIMESTAMPTZ(3) NOT NULL,
    "closedAt" TIMESTAMPTZ(3),
    "closedBy" TEXT,
    "outcomeReason" TEXT,
    "deliveryMode" TEXT,
    "reminded7At" TIMESTAMPTZ(3),
    "reminded1At" TIMESTAMPTZ(3),
    "overdueNotifiedAt" TIMESTAMPTZ(3),

    CONSTRAINT "SubjectAccessRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SubjectAccessItem" (
    "sarId" UUID NOT NULL,
    "recordingId" UUID NOT NULL,
    "thirdPartyReview" BOOLEAN NOT NULL DEFAULT false,
    "withheld" BOOLEAN NOT NULL DEFAULT false,
    "note" TEXT,

    CONSTRAINT "SubjectAccessItem_pkey" PRIMARY KEY ("sarId","recordingId")
);

-- CreateTable
CREATE TABLE "ErasureRequest" (
    "id" UUID NOT NULL,
    "reference" TEXT NOT NULL,
    "numberHashes" TEXT[],
    "maskedNumbers" TEXT[],
    "reason" TEXT NOT NULL,
    "status" "ErasureStatus" NOT NULL DEFAULT 'PROPOSED',
    "recordingIds" UUID[],
    "requestedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMPTZ(3),
    "deletedCount" INTEGER NOT NULL DEFAULT 0,
    "heldCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ErasureRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Disclosure" (
    "requestId" UUID NOT NULL,
    "askingOrganisation" TEXT NOT NULL,
    "askingPerson" TEXT NOT NULL,
    "onBehalfOf" TEXT,
    "disclosurePurpose" TEXT NOT NULL,
    "lawfulBasis" TEXT NOT NULL,
    "recipientName" TEXT NOT NULL,
    "recipientJobTitle" TEXT NOT NULL,
    "conditionAccepted" BOOLEAN NOT NULL,
    "releaseMode" TEXT NOT NULL,
    "disclosedAt" TIMESTAMPTZ(3),
    "formSha256" TEXT,

    CONSTRAINT "Disclosure_pkey" PRIMARY KEY ("requestId")
);

-- CreateTable
CREATE TABLE "CovertAuthorisation" (
    "id" UUID NOT NULL,
    "reference" TEXT NOT NULL,
    "authorisedBy" TEXT NOT NULL,
    "authoriserRole" TEXT NOT NULL,
    "extensions" TEXT[],
    "staffEmails" TEXT[],
    "reason" TEXT NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "reviewOn" DATE NOT NULL,
    "investigationId" UUID NOT NULL,
    "status" "CovertStatus" NOT NULL DEFAULT 'ACTIVE',
    "endedAt" TIMESTAMPTZ(3),
    "endedBy" TEXT,
    "endReason" TEXT,
    "remindedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CovertAuthorisation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveredFile" (
    "id" UUID NOT NULL,
    "ownerEmail" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "sizeBytes" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "blobName" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "downloadedAt" TIMESTAMPTZ(3),

    CONSTRAINT "DeliveredFile_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Hold_reference_key" ON "Hold"("reference");

-- CreateIndex
CREATE UNIQUE INDEX "Hold_subjectAccessId_key" ON "Hold"("subjectAccessId");

-- CreateIndex
CREATE INDEX "Hold_releasedAt_idx" ON "Hold"("releasedAt");

-- CreateIndex
CREATE INDEX "HeldRecording_recordingId_idx" ON "HeldRecording"("recordingId");

-- CreateIndex
CREATE INDEX "DeletionRecord_deletedAt_idx" ON "DeletionRecord"("deletedAt");

-- CreateIndex
CREATE INDEX "DeletionRecord_callId_idx" ON "DeletionRecord"("callId");

-- CreateIndex
CREATE UNIQUE INDEX "SubjectAccessRequest_reference_key" ON "SubjectAccessRequest"("reference");

-- CreateIndex
CREATE INDEX "SubjectAccessRequest_status_dueOn_idx" ON "SubjectAccessRequest"("status", "dueOn");

-- CreateIndex
CREATE UNIQUE INDEX "ErasureRequest_reference_key" ON "ErasureRequest"("reference");

-- CreateIndex
CREATE UNIQUE INDEX "CovertAuthorisation_reference_key" ON "CovertAuthorisation"("reference");

-- CreateIndex
CREATE INDEX "CovertAuthorisation_status_reviewOn_idx" ON "CovertAuthorisation"("status", "reviewOn");

-- CreateIndex
CREATE UNIQUE INDEX "DeliveredFile_blobName_key" ON "DeliveredFile"("blobName");

-- CreateIndex
CREATE UNIQUE INDEX "DeliveredFile_tokenHash_key" ON "DeliveredFile"("tokenHash");

-- CreateIndex
CREATE INDEX "DeliveredFile_expiresAt_idx" ON "DeliveredFile"("expiresAt");

-- AddForeignKey
ALTER TABLE "PlaybackGrant" ADD CONSTRAINT "PlaybackGrant_recordingId_fkey" FOREIGN KEY ("recordingId") REFERENCES "Recording"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Hold" ADD CONSTRAINT "Hold_subjectAccessId_fkey" FOREIGN KEY ("subjectAccessId") REFERENCES "SubjectAccessRequest"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HeldRecording" ADD CONSTRAINT "HeldRecording_holdId_fkey" FOREIGN KEY ("holdId") REFERENCES "Hold"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HeldRecording" ADD CONSTRAINT "HeldRecording_recordingId_fkey" FOREIGN KEY ("recordingId") REFERENCES "Recording"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubjectAccessItem" ADD CONSTRAINT "SubjectAccessItem_sarId_fkey" FOREIGN KEY ("sarId") REFERENCES "SubjectAccessRequest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubjectAccessItem" ADD CONSTRAINT "SubjectAccessItem_recordingId_fkey" FOREIGN KEY ("recordingId") REFERENCES "Recording"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Disclosure" ADD CONSTRAINT "Disclosure_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "RecordingRequest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CovertAuthorisation" ADD CONSTRAINT "CovertAuthorisation_investigationId_fkey" FOREIGN KEY ("investigationId") REFERENCES "Hold"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Human references for compliance records (SAR-000001, HOLD-000001, ...).
CREATE SEQUENCE "sar_reference_seq";
CREATE SEQUENCE "hold_reference_seq";
CREATE SEQUENCE "erasure_reference_seq";
CREATE SEQUENCE "covert_reference_seq";

-- Audit summaries count actions over a period.
CREATE INDEX "AuditEntry_action_at_idx" ON "AuditEntry"("action", "at");
