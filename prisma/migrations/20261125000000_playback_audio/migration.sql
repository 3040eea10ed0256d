-- The playback page's audio is served through Callgate, one page view at a
-- time: each view is a row, and the first audio fetch of a view is audited.
CREATE TABLE "PlaybackView" (
    "id" UUID NOT NULL,
    "grantId" UUID NOT NULL,
    "openedAt" TIMESTAMPTZ(3) NOT NULL,
    "audioStartedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PlaybackView_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "PlaybackView_grantId_idx" ON "PlaybackView"("grantId");

ALTER TABLE "PlaybackView" ADD CONSTRAINT "PlaybackView_grantId_fkey" FOREIGN KEY ("grantId") REFERENCES "PlaybackGrant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
