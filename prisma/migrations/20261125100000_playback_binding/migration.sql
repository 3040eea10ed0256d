-- Playback bound to the requester: the browsers allowed to play a grant (by
-- the hash of a cookie secret), the other browser waiting for the requester's
-- confirmation, and the one the requester allowed for a single open.
ALTER TABLE "PlaybackGrant" ADD COLUMN "browserHashes" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "pendingBrowserId" UUID,
ADD COLUMN "pendingBrowserHash" TEXT,
ADD COLUMN "pendingBrowserAt" TIMESTAMPTZ(3),
ADD COLUMN "allowedOnceHash" TEXT;

-- Which browser opened each page view: its audio plays in that browser only.
ALTER TABLE "PlaybackView" ADD COLUMN "browserHash" TEXT;
