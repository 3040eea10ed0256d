-- When an attempt to send a notice began without its result being recorded
-- yet (a crash or time-out in between may have left a sent message behind),
-- so the next attempt looks for that message before sending another.

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "sendingSince" TIMESTAMPTZ(3);
