-- Audit summaries count link events per action over a period and how many
-- distinct links were opened: with the subject in the index both are
-- index-only scans, even over a year of a million entries.
CREATE INDEX "AuditEntry_action_at_subjectId_idx" ON "AuditEntry"("action", "at", "subjectId");

-- Superseded by the index above (its leading columns), and never declared in schema.prisma.
DROP INDEX IF EXISTS "AuditEntry_action_at_idx";
