/**
 * `dpo help` and `dpo <area> help`: the DPO's commands in words a DPO uses,
 * each with what it is for and one example, drawn from the commands as
 * registered (so a new command is listed without touching this file; give
 * it an example in EXAMPLES). No commander usage lines or option noise: the
 * options are in the example, and the forms ask for the rest. The caller
 * checks the person is a DPO first (requireDpo in the core), so nobody else
 * sees the list, and their attempt is audited.
 */
import type { Command } from "commander";
import { list, note, text, type ConsoleReply, type ReplyAction, type ReplyBlock } from "./reply.ts";

/** One example per command, by its console words. */
export const EXAMPLES: Readonly<Record<string, string>> = {
  audit: "audit last month purpose safeguarding",
  "audit export": "audit export pdf last 30 days",
  "sar open": 'sar open --name "Jo Bloggs" --number "020 7946 0001" --received 20/11/2026',
  "sar list": "sar list --all",
  "sar show": "sar show SAR-000001",
  "sar pause": 'sar pause SAR-000001 --reason "asked for proof of address" --waiting-for identity',
  "sar resume": 'sar resume SAR-000001 --identity "passport seen in person"',
  "sar extend": 'sar extend SAR-000001 --months 1 --reason "many calls to review"',
  "sar review": 'sar review SAR-000001 3 --withhold --note "a third party\'s health"',
  "sar bundle": "sar bundle SAR-000001 --format zip",
  "sar close": "sar close SAR-000001 --complete",
  "sar transfer": 'sar transfer SAR-000001 --to hr.manager@example.org --reason "the owner is on leave until January"',
  "sar export": 'sar export "020 7946 0001"',
  export: 'export "020 7946 0001"',
  "hold place": 'hold place --number "020 7946 0001" --reason "claim expected from the caller"',
  "hold release": 'hold release HOLD-000001 --reason "claim settled"',
  "hold list": "hold list --all",
  "hold preserve": 'hold preserve call-0042 --class document-retention --reason "relied on in a tenancy dispute"',
  "hold review": 'hold review HOLD-000002 --note "appeal still open"',
  "erasure propose": 'erasure propose --number "020 7946 0001" --reason "e-mail from the caller, 20/11/2026"',
  "erasure confirm": "erasure confirm ERA-000001",
  "erasure cancel": 'erasure cancel ERA-000001 --reason "the caller withdrew"',
  "retention preview": "retention preview",
  "disclosure new": 'disclosure new --date 2026-11-18 --time 14:30 --number "020 7946 0001" --asking-org "Thames Valley Police" --asking-person "DC Jane Smith" --purpose "..." --lawful-basis "..." --recipient "DC Jane Smith" --recipient-title "Detective Constable" --condition-accepted --release link',
  "disclosure list": "disclosure list --open",
  "covert authorise": 'covert authorise --new-investigation "Till shortfalls" --extension 201 --ground serious-misconduct --reason "..."',
  "covert list": "covert list --all",
  "covert review": 'covert review COV-000001 --note "still needed: ..."',
  "covert end": 'covert end COV-000001 --reason "investigation concluded"',
  "breach report": 'breach report --what "a recording link was forwarded outside the trust" --discovered 20/11/2026 --at 09:30',
  "breach ico": "breach ico BRE-000001 --reported IC-123456",
  "breach close": 'breach close BRE-000001 --note "link revoked; staff reminded of the policy"',
  "breach list": "breach list --all",
  "breach show": "breach show BRE-000001",
};

/** The forms the help reply offers as buttons, with their labels. */
export const FORM_BUTTONS: ReadonlyArray<readonly [command: string, label: string]> = [
  ["sar open", "Open a SAR"],
  ["hold place", "Place a hold"],
  ["erasure propose", "Propose an erasure"],
  ["disclosure new", "Record a disclosure"],
  ["covert authorise", "Authorise covert monitoring"],
];

/** The help reply for every area, or for one (`sar help`). */
export function dpoHelp(program: Command, area?: string): ConsoleReply {
  const areas = program.commands.filter((c) => c.name() !== "help" && !(c as Command & { _hidden?: boolean })._hidden);
  const shown = area ? areas.filter((c) => c.name() === area || c.aliases().includes(area)) : areas;
  const forms = FORM_BUTTONS.filter(([command]) => !area || command.startsWith(`${area} `));
  const blocks: ReplyBlock[] = [];
  if (!area) blocks.push(text("Type a command after /recording-dpo in Slack or dpo in Teams (the same words in both). The commands marked (form) open a form when typed alone."));
  else for (const [command] of forms) blocks.push(text(`Typed alone, ${command} opens a form to fill in.`));
  for (const group of shown.length ? shown : areas) {
    const subs = group.commands.filter((c) => c.name() !== "help");
    blocks.push(text(`${group.name()}: ${group.description()}`));
    const entries = subs.length ? subs.map((c) => entry(`${group.name()} ${c.name()}`, c.description())) : [entry(group.name(), group.description())];
    blocks.push(list(entries));
  }
  blocks.push(note("Every command is checked against the organisation's policy and recorded in the audit log. Buttons on a reply run the next step as whoever clicks."));
  const actions: ReplyAction[] = forms.map(([command, label]) => ({ label, command }));
  return { title: area && shown.length ? `DPO commands: ${shown[0]!.name()}` : "Callgate DPO commands", blocks, actions };
}

function entry(words: string, description: string): string {
  const form = FORM_BUTTONS.some(([command]) => command === words) ? " (form)" : "";
  const example = EXAMPLES[words];
  return `${words}${form}: ${description}.${example ? ` For example: ${example}` : ""}`.replace(/\.\./g, ".");
}
