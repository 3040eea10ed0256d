/**
 * The CLI's renderer of a DPO command's answer (ConsoleReply): plain
 * terminal text, the third rendering beside Slack's Block Kit and Teams'
 * Adaptive Cards. Buttons become the commands to type.
 */
import type { ConsoleReply } from "../commands/reply.ts";

/** A console reply as plain terminal text . */
export function replyAsText(reply: ConsoleReply): string {
  const lines: string[] = [reply.title, "=".repeat(Math.min(reply.title.length, 80))];
  for (const block of reply.blocks) {
    switch (block.kind) {
      case "text":
        lines.push("", block.text);
        break;
      case "fields": {
        const width = Math.max(...block.rows.map(([label]) => label.length));
        for (const [label, value] of block.rows) lines.push(`  ${label.padEnd(width)}  ${value}`);
        break;
      }
      case "list":
        for (const item of block.items) lines.push(`  - ${item}`);
        break;
      case "note":
        lines.push("", `  ${block.text}`);
        break;
      case "warning":
        lines.push(`! ${block.text}`);
        break;
    }
  }
  const actions = reply.actions ?? [];
  if (actions.length) {
    lines.push("", "Next:");
    for (const action of actions) lines.push(`  ${action.label}: callgate dpo ${action.command} --as <e-mail>`);
  }
  return lines.join("\n");
}
