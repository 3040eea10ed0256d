-- A notice for someone no chat platform can reach yet waits for their first contact (installing or writing to the bot) instead of failing.
ALTER TYPE "OutboxStatus" ADD VALUE 'WAITING';
