-- Personal data breaches (UK GDPR Article 33) and capacity warnings.

-- CreateEnum
CREATE TYPE "BreachStatus" AS ENUM ('OPEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "BreachIcoDecision" AS ENUM ('REPORTED', 'NOT_REPORTABLE');

-- CreateTable
CREATE TABLE "Breach" (
    "id" UUID NOT NULL,
    "reference" TEXT NOT NULL,
    "status" "BreachStatus" NOT NULL DEFAULT 'OPEN',
    "description" TEXT NOT NULL,
    "discoveredAt" TIMESTAMPTZ(3) NOT NULL,
    "reportedAt" TIMESTAMPTZ(3) NOT NULL,
    "reportedBy" TEXT NOT NULL,
    "recordingRefs" TEXT[],
    "deadlineAt" TIMESTAMPTZ(3) NOT NULL,
    "remindedHours" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "overdueNotifiedAt" TIMESTAMPTZ(3),
    "icoDecision" "BreachIcoDecision",
    "icoReference" TEXT,
    "icoReason" TEXT,
    "icoRecordedAt" TIMESTAMPTZ(3),
    "icoRecordedBy" TEXT,
    "closedAt" TIMESTAMPTZ(3),
    "closedBy" TEXT,
    "closeNote" TEXT,

    CONSTRAINT "Breach_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CapacityWarning" (
    "percent" INTEGER NOT NULL,
    "warnedAt" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "CapacityWarning_pkey" PRIMARY KEY ("percent")
);

-- CreateIndex
CREATE UNIQUE INDEX "Breach_reference_key" ON "Breach"("reference");

-- CreateIndex
CREATE INDEX "Breach_status_deadlineAt_idx" ON "Breach"("status", "deadlineAt");

-- Breach references (BRE-000001).
CREATE SEQUENCE "breach_reference_seq";
