-- Authorisation shapes: the staff member a request concerns, a purpose the
-- requester's own role authorises, an approval's note, a covert ground.
ALTER TABLE "RecordingRequest" ADD COLUMN "concernsEmail" TEXT;
ALTER TABLE "RecordingRequest" ADD COLUMN "selfAuthorisedRole" TEXT;
ALTER TABLE "Decision" ADD COLUMN "note" TEXT;
ALTER TABLE "CovertAuthorisation" ADD COLUMN "ground" TEXT;
