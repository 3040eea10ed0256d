-- Preservation by the roles the policy names, links that end at deletion,
-- and the archive tier (retention.preservation, playback.deletionNotice,
-- retention.archive).
ALTER TYPE "HoldKind" ADD VALUE 'PRESERVATION';

-- AlterTable
ALTER TABLE "Hold" ADD COLUMN "preservationClass" TEXT,
ADD COLUMN "keepUntil" TIMESTAMPTZ(3),
ADD COLUMN "reviewOn" TIMESTAMPTZ(3),
ADD COLUMN "reviewRemindedAt" TIMESTAMPTZ(3),
ADD COLUMN "deletionRemindedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "PlaybackGrant" ADD COLUMN "deletionNoticeAt" TIMESTAMPTZ(3),
ADD COLUMN "heldNoticeId" UUID;

-- AlterTable
ALTER TABLE "Recording" ADD COLUMN "accessTier" TEXT,
ADD COLUMN "archivedAt" TIMESTAMPTZ(3),
ADD COLUMN "rehydratingSince" TIMESTAMPTZ(3);
