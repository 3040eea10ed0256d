-- Blob work a state change causes (a disclosure's form and zip) is done after
-- commit from this table, so no transaction holds the audit lock across storage.

-- CreateEnum
CREATE TYPE "FileJobStatus" AS ENUM ('PENDING', 'DONE', 'FAILED');

-- CreateTable
CREATE TABLE "FileJob" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "ownerEmail" TEXT NOT NULL,
    "requestId" UUID,
    "payload" JSONB NOT NULL,
    "status" "FileJobStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "doneAt" TIMESTAMPTZ(3),

    CONSTRAINT "FileJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FileJob_status_nextAttemptAt_idx" ON "FileJob"("status", "nextAttemptAt");
