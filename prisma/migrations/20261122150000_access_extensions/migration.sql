-- CreateEnum
CREATE TYPE "ExtensionStatus" AS ENUM ('PENDING', 'APPROVED', 'DENIED');

-- AlterTable
ALTER TABLE "ChatMessage" ADD COLUMN     "payload" JSONB;

-- CreateTable
CREATE TABLE "AccessExtension" (
    "id" UUID NOT NULL,
    "grantId" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "requesterEmail" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "ExtensionStatus" NOT NULL DEFAULT 'PENDING',
    "decidedBy" TEXT,
    "decisionReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "decidedAt" TIMESTAMPTZ(3),

    CONSTRAINT "AccessExtension_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AccessExtension_requestId_idx" ON "AccessExtension"("requestId");

-- CreateIndex
CREATE INDEX "AccessExtension_grantId_status_idx" ON "AccessExtension"("grantId", "status");

-- AddForeignKey
ALTER TABLE "AccessExtension" ADD CONSTRAINT "AccessExtension_grantId_fkey" FOREIGN KEY ("grantId") REFERENCES "PlaybackGrant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- At most one extension request waits per grant (Prisma cannot express a partial unique index).
CREATE UNIQUE INDEX "AccessExtension_one_pending_per_grant" ON "AccessExtension"("grantId") WHERE "status" = 'PENDING';
