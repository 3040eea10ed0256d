/**
 * DPO console: `retention preview`, a dry run of the retention sweep: how
 * many recordings are past retention under each rule, how many a hold or an
 * open request keeps, and when the sweep last ran. The core checks the role.
 */
import { formatDateTime } from "../core/format.ts";
import { previewRetention } from "../core/retention/preview-retention.ts";
import type { ConsoleModule } from "./run-console.ts";
import { fields, list, note, text, type ReplyBlock } from "./reply.ts";

export const retentionConsole: ConsoleModule = {
  register(program, session, answer) {
    const retention = program.command("retention").description("The retention policy's scheduled deletions");
    retention
      .command("preview")
      .description("What the retention sweep would delete now (a dry run: nothing is deleted)")
      .action(async () => {
        const preview = await previewRetention(session.ctx, { actorEmail: session.actorEmail });
        const tz = session.ctx.policy.organisation.timeZone;
        const blocks: ReplyBlock[] = [
          fields([
            ["Past retention", String(preview.due)],
            ["Kept (hold or open request)", String(preview.held)],
            ["Would be deleted", String(preview.wouldDelete)],
          ]),
        ];
        if (preview.byRule.length > 0) {
          blocks.push(text("By rule:"), list(preview.byRule.map((r) => `${r.rule}: ${r.due - r.held} to delete${r.held ? `, ${r.held} kept` : ""}`)));
        } else {
          blocks.push(text("Nothing is past retention."));
        }
        blocks.push(
          note(
            preview.lastSweep
              ? `The daily sweep last completed ${formatDateTime(preview.lastSweep.finishedAt, tz)} and deleted ${preview.lastSweep.deleted}.`
              : "The daily sweep has not completed yet.",
          ),
        );
        answer({ title: "Retention preview (dry run)", blocks });
      });
  },
};
