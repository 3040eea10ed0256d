-- Disclosure: the outside requester's role and contact, an insider requester, the date the
-- request was received, and the permitted recipient it was matched to.
ALTER TABLE "Disclosure" ADD COLUMN "askingRole" TEXT;
ALTER TABLE "Disclosure" ADD COLUMN "askingContact" TEXT;
ALTER TABLE "Disclosure" ADD COLUMN "requestedByEmail" TEXT;
ALTER TABLE "Disclosure" ADD COLUMN "requestReceivedOn" DATE;
ALTER TABLE "Disclosure" ADD COLUMN "recipientEntryId" TEXT;
ALTER TABLE "Disclosure" ADD COLUMN "recipientCategory" TEXT;
