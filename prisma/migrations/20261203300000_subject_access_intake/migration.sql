-- Subject access intake: channel, who logged it, the subject's contact details,
-- calls described without a number, what is still missing, and what closing gave.
ALTER TABLE "SubjectAccessRequest" ADD COLUMN "channel" TEXT;
ALTER TABLE "SubjectAccessRequest" ADD COLUMN "loggedBy" TEXT;
ALTER TABLE "SubjectAccessRequest" ADD COLUMN "contactEmail" TEXT;
ALTER TABLE "SubjectAccessRequest" ADD COLUMN "contactPhone" TEXT;
ALTER TABLE "SubjectAccessRequest" ADD COLUMN "contactAddress" TEXT;
ALTER TABLE "SubjectAccessRequest" ADD COLUMN "callDescriptions" JSONB NOT NULL DEFAULT '[]';
ALTER TABLE "SubjectAccessRequest" ADD COLUMN "awaitingInformation" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "SubjectAccessRequest" ADD COLUMN "outputs" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "SubjectAccessRequest" ADD COLUMN "assessment" TEXT;
ALTER TABLE "SubjectAccessRequest" ADD COLUMN "refusalGround" TEXT;
ALTER TABLE "SubjectAccessItem" ADD COLUMN "matchedBy" TEXT NOT NULL DEFAULT 'number';
