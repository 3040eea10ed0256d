-- Deleting a recording (retention, erasure) clears or removes the rows that
-- point at it: without these indexes each deletion scans the whole table.
CREATE INDEX "RecordingRequest_recordingId_idx" ON "RecordingRequest"("recordingId");
CREATE INDEX "PlaybackGrant_recordingId_idx" ON "PlaybackGrant"("recordingId");
CREATE INDEX "SubjectAccessItem_recordingId_idx" ON "SubjectAccessItem"("recordingId");
