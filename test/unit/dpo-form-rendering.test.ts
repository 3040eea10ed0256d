/**
 * The DPO's forms drawn for each platform from one field declaration: every
 * form as a Slack modal within Slack's modal rules (checked by the fake Slack's
 * Block Kit rules) with nothing cut short, and as an Adaptive Card 1.5 whose
 * elements carry only the properties the schema defines, within Teams'
 * message size even filled to every field's limit. Values and errors go both
 * ways by field key.
 */
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import type { CoreContext } from "../../src/core/context.ts";
import { CONSOLE_MODULES, DPO_FORMS } from "../../src/commands/index.ts";
import { dpoHelp, FORM_BUTTONS } from "../../src/commands/help.ts";
import type { FieldSpec, FormSpec } from "../../src/commands/form.ts";
import { validateFields } from "../../src/commands/form.ts";
import { LIMITS } from "../../src/adapters/slack/render/blocks.ts";
import { dpoFormErrors, dpoFormOutOfDateView, dpoFormValues, dpoFormView, FIELD_ACTION } from "../../src/adapters/slack/render/dpo-form.ts";
import { dpoFormCard } from "../../src/adapters/teams/cards/dpo-form.ts";
import { CARD_BUDGET, sizeOf } from "../../src/adapters/teams/cards/console-reply.ts";
import { VERBS } from "../../src/adapters/teams/ids.ts";
import { viewProblems } from "../support/fake-slack/block-kit-rules.ts";
import { P, testPolicy } from "../support/test-policy.ts";

type Json = Record<string, any>;

const FORMS = [...DPO_FORMS.values()];

/**
 * The Adaptive Card 1.5 schema's properties for the element types the forms
 * use (adaptivecards.io/explorer), so a misspelt or invented property fails
 * here instead of being ignored by Teams.
 */
const ELEMENT = ["type", "id", "isVisible", "separator", "spacing", "height", "requires", "fallback"];
const INPUT = [...ELEMENT, "label", "isRequired", "errorMessage"];
const SCHEMA: Record<string, readonly string[]> = {
  AdaptiveCard: ["type", "$schema", "version", "body", "actions", "fallbackText", "refresh", "msteams", "speak", "lang", "minHeight", "rtl", "verticalContentAlignment", "backgroundImage", "selectAction", "authentication", "metadata"],
  TextBlock: [...ELEMENT, "text", "color", "fontType", "horizontalAlignment", "isSubtle", "maxLines", "size", "weight", "wrap", "style"],
  RichTextBlock: [...ELEMENT, "inlines", "horizontalAlignment"],
  TextRun: ["type", "text", "color", "fontType", "highlight", "isSubtle", "italic", "selectAction", "size", "strikethrough", "underline", "weight"],
  "Input.Text": [...INPUT, "isMultiline", "maxLength", "placeholder", "regex", "style", "inlineAction", "value"],
  "Input.Date": [...INPUT, "max", "min", "placeholder", "value"],
  "Input.Time": [...INPUT, "max", "min", "placeholder", "value"],
  "Input.ChoiceSet": [...INPUT, "choices", "isMultiSelect", "style", "value", "placeholder", "wrap"],
  "Input.Choice": ["type", "title", "value"],
  "Input.Toggle": [...INPUT, "title", "value", "valueOff", "valueOn", "wrap"],
  "Action.Execute": ["type", "id", "title", "verb", "data", "associatedInputs", "style", "iconUrl", "isEnabled", "mode", "tooltip", "fallback", "requires"],
};

/** Every typed object in a card with its path; choices are typed Input.Choice for the check. */
function typedNodes(node: unknown, path = "", into: Array<[string, Json]> = []): Array<[string, Json]> {
  if (Array.isArray(node)) node.forEach((n, i) => typedNodes(n, `${path}/${i}`, into));
  else if (node && typeof node === "object") {
    const o = node as Json;
    if (path.endsWith("/choices") === false && /\/choices\/\d+$/.test(path)) into.push([path, { type: "Input.Choice", ...o }]);
    else if (typeof o.type === "string") into.push([path, o]);
    for (const [k, v] of Object.entries(o)) if (typeof v === "object") typedNodes(v, `${path}/${k}`, into);
  }
  return into;
}

/** What is wrong with a card against the schema above: unknown types, unknown properties, repeated ids, a missing version. */
function cardProblems(card: Json): string[] {
  const problems: string[] = [];
  if (card.version !== "1.5") problems.push(`version ${card.version} is not 1.5`);
  const ids = new Set<string>();
  for (const [path, node] of typedNodes(card)) {
    const allowed = SCHEMA[node.type as string];
    if (!allowed) {
      problems.push(`${path}: type ${node.type} is not one the forms should use`);
      continue;
    }
    for (const key of Object.keys(node)) if (!allowed.includes(key)) problems.push(`${path}: ${node.type} has no property ${key}`);
    if (typeof node.id === "string") {
      if (ids.has(node.id)) problems.push(`${path}: id ${node.id} is repeated`);
      ids.add(node.id);
    }
    if (String(node.type).startsWith("Input.") && node.type !== "Input.Choice" && !node.label && !node.title) problems.push(`${path}: ${node.type} has no label`);
  }
  return problems;
}

/** A value at a field's limit, as long as a person could type. */
function longest(field: FieldSpec): unknown {
  const max = field.max ?? (field.kind === "longtext" ? 2_000 : 500);
  switch (field.kind) {
    case "date":
      return "2026-11-18";
    case "time":
      return "14:30";
    case "choice":
      return field.choices![0]![0];
    case "flag":
      return "true";
    case "list":
      return Array.from({ length: 20 }, () => "9".repeat(Math.min(max, 40))).join("\n");
    default:
      return "x".repeat(max);
  }
}

describe("a DPO form as a Slack modal", () => {
  it.each(FORMS.map((f) => [f.command, f] as const))("draws %s within Slack's modal rules, its title, button and every label whole", (_command, form) => {
    const view = dpoFormView(form) as unknown as Json;
    expect(viewProblems(view, "modal")).toEqual([]);
    expect(view.title.text).toBe(form.shortTitle ?? form.title);
    expect((form.shortTitle ?? form.title).length).toBeLessThanOrEqual(LIMITS.modalTitle);
    expect(form.submit.length).toBeLessThanOrEqual(LIMITS.modalTitle);
    const inputs = (view.blocks as Json[]).filter((b) => b.type === "input");
    expect(inputs.map((b) => b.block_id)).toEqual(form.fields.map((f) => f.key));
    expect(inputs.map((b) => b.label.text)).toEqual(form.fields.map((f) => f.label));
    for (const [i, field] of form.fields.entries()) {
      expect(inputs[i]!.element.action_id).toBe(FIELD_ACTION);
      expect(inputs[i]!.optional ?? false, field.key).toBe(!field.required);
      if (field.placeholder) expect(inputs[i]!.element.placeholder?.text, field.key).toBe(field.placeholder);
      for (const [, label] of field.choices ?? []) expect(label.length, field.key).toBeLessThanOrEqual(LIMITS.optionText);
    }
    expect(view.private_metadata).toBe(form.command);
  });

  it("keeps a form's inputs within Slack's limits even where the declaration asks for more", () => {
    const greedy: FormSpec = {
      command: "test greedy",
      title: "A title far longer than the twenty-four characters Slack allows",
      submit: "Submit this form now, please",
      intro: "Intro",
      fields: [
        { key: "note", kind: "longtext", label: "Note", help: "a note", flag: "--note", required: true, max: 10_000 },
        { key: "numbers", kind: "list", label: "Numbers", help: "a number", flag: "--number", required: false, max: 400, placeholder: "p".repeat(400) },
      ],
      run: async () => ({ title: "", blocks: [] }),
    };
    const view = dpoFormView(greedy) as unknown as Json;
    expect(viewProblems(view, "modal")).toEqual([]);
    expect(view.blocks[1].element.max_length).toBe(3_000);
    expect(view.blocks[2].element.max_length).toBe(3_000);
  });

  it("reads every kind of input back by field key, and leaves out what was not there", () => {
    const form = DPO_FORMS.get("disclosure new")!;
    const state = {
      date: { [FIELD_ACTION]: { type: "datepicker", selected_date: "2026-11-18" } },
      time: { [FIELD_ACTION]: { type: "timepicker", selected_time: "14:30" } },
      number: { [FIELD_ACTION]: { type: "plain_text_input", value: "020 7946 0001" } },
      extension: { [FIELD_ACTION]: { type: "plain_text_input", value: null } },
      release: { [FIELD_ACTION]: { type: "static_select", selected_option: { value: "zip" } } },
      conditionAccepted: { [FIELD_ACTION]: { type: "checkboxes", selected_options: [{ value: "true" }] } },
      site: { [FIELD_ACTION]: { type: "plain_text_input", value: "north" } },
      // Not a field of this form: ignored.
      stray: { [FIELD_ACTION]: { type: "plain_text_input", value: "ignored" } },
    };
    const raw = dpoFormValues(form, state);
    expect(raw).toEqual({ date: "2026-11-18", time: "14:30", number: "020 7946 0001", extension: undefined, release: "zip", conditionAccepted: true, site: "north" });
    const unticked = dpoFormValues(form, { conditionAccepted: { [FIELD_ACTION]: { type: "checkboxes", selected_options: [] } } });
    expect(unticked).toEqual({ conditionAccepted: false });
  });

  it("puts errors beside their block, and one about the whole form beside the first field", () => {
    const form = DPO_FORMS.get("sar open")!;
    expect(dpoFormErrors(form, { number: "Not a number.", form: "Only the DPO can." })).toEqual({ number: "Not a number.", name: "Only the DPO can." });
    expect(dpoFormErrors(form, { name: "Give the name.", form: "Refused." })).toEqual({ name: "Give the name. Refused." });
  });

  it("says plainly, within Slack's rules, that a form it does not know ran nothing", () => {
    const view = dpoFormOutOfDateView() as unknown as Json;
    expect(viewProblems(view, "modal")).toEqual([]);
    expect(view.title.text).toBe("Nothing was changed");
    expect(view.submit).toBeUndefined();
  });
});

describe("a DPO form as an Adaptive Card for Teams", () => {
  it.each(FORMS.map((f) => [f.command, f] as const))("draws %s as a 1.5 card with only schema properties, every input labelled, one submit", (_command, form) => {
    const card = dpoFormCard(form) as unknown as Json;
    expect(cardProblems(card)).toEqual([]);
    const inputs = (card.body as Json[]).filter((e) => String(e.type).startsWith("Input."));
    expect(inputs.map((i) => i.id)).toEqual(form.fields.map((f) => f.key));
    for (const [i, field] of form.fields.entries()) if (field.kind !== "flag") expect(inputs[i]!.isRequired ?? false, field.key).toBe(field.required);
    expect(card.actions).toEqual([{ type: "Action.Execute", title: form.submit, verb: VERBS.dpoFormSubmit, data: { command: form.command }, style: "positive" }]);
    expect(card.fallbackText).toBe(form.title);
  });

  it.each(FORMS.map((f) => [f.command, f] as const))("keeps %s within Teams' message size filled to every limit, with an error beside every field", (_command, form) => {
    const values = Object.fromEntries(form.fields.map((f) => [f.key, longest(f)]));
    const errors = Object.fromEntries([...form.fields.map((f) => [f.key, `Check ${f.label.toLowerCase()}: ${"e".repeat(300)}`]), ["form", "Refused."]]);
    const card = dpoFormCard(form, values, errors) as unknown as Json;
    expect(cardProblems(card)).toEqual([]);
    expect(sizeOf(card as never)).toBeLessThanOrEqual(CARD_BUDGET);
    // Each error straight after its field's input.
    const body = card.body as Json[];
    for (const field of form.fields) {
      const at = body.findIndex((e) => e.id === field.key);
      expect(body[at + 1]?.id, field.key).toBe(`${field.key}Error`);
    }
  });

  it("keeps what was typed, lists one a line, and a date only when it is one", () => {
    const form = DPO_FORMS.get("sar open")!;
    const card = dpoFormCard(form, { name: "Jo Bloggs", number: ["020 7946 0001", "0113 496 0002"], received: "20/11/2026" }) as unknown as Json;
    const byId = (id: string) => (card.body as Json[]).find((e) => e.id === id)!;
    expect(byId("name").value).toBe("Jo Bloggs");
    expect(byId("number").value).toBe("020 7946 0001\n0113 496 0002");
    // Input.Date takes only yyyy-mm-dd: anything else would make Teams reject the card.
    expect(byId("received").value).toBeUndefined();
    expect(byId("identity").value).toBeUndefined();
  });

  it("reads a toggle and a list back as the typed command would", () => {
    const form = DPO_FORMS.get("hold place")!;
    const checked = validateFields(form.fields, { number: "020 7946 0001\n0113 496 0002", investigation: "true", reason: "Claim expected" });
    expect(checked).toEqual({ ok: true, values: { number: ["020 7946 0001", "0113 496 0002"], call: [], investigation: true, reason: "Claim expected" } });
    const off = validateFields(form.fields, { number: "020 7946 0001", investigation: "false", reason: "Claim expected" });
    expect(off.ok && off.values.investigation).toBe(false);
  });

  it("shows an error that repeats typed text literally, never as markdown", () => {
    const form = DPO_FORMS.get("covert authorise")!;
    const typed = "[Sign in again](https://evil.example) is not one of the people in the organisation's policy.";
    const card = dpoFormCard(form, { staff: "[Sign in again](https://evil.example)" }, { staff: typed, form: "**Refused**" }) as unknown as Json;
    const body = card.body as Json[];
    for (const id of ["staffError", "formError"]) expect(body.find((e) => e.id === id)?.type, id).toBe("RichTextBlock");
    expect(body.find((e) => e.id === "staffError")!.inlines).toEqual([{ type: "TextRun", text: typed, color: "Attention", weight: "Bolder" }]);
    // No TextBlock (which Teams reads as markdown) carries it.
    expect(typedNodes(card).filter(([, n]) => n.type === "TextBlock" && /evil|Refused/.test(String(n.text)))).toEqual([]);
  });

  it("finds an invented property (the check can fail)", () => {
    const card = dpoFormCard(DPO_FORMS.get("sar open")!) as unknown as Json;
    (card.body as Json[])[2]!.isMultiLine = true;
    expect(cardProblems(card)).toEqual([expect.stringContaining("Input.Text has no property isMultiLine")]);
  });
});

describe("the forms' declarations", () => {
  it("say in their own words what is missing for every required field", () => {
    for (const form of FORMS) for (const field of form.fields.filter((f) => f.required)) expect(field.missing, `${form.command} ${field.key}`).toMatch(/^(Give|Say|Choose) .+\.$/);
  });
});

describe("the forms in `dpo help`", () => {
  it("offers a button for every form, and no other", () => {
    expect(FORM_BUTTONS.map(([command]) => command)).toEqual([...DPO_FORMS.keys()]);
  });

  it("says a form command typed alone opens its form, in the whole help and in its area's", async () => {
    const ctx = { policy: testPolicy() } as unknown as CoreContext;
    const program = new Command("dpo");
    for (const module of CONSOLE_MODULES) module.register(program, { ctx, actorEmail: P.dpo, publicUrl: "https://callgate.test" }, () => {});
    expect(JSON.stringify(dpoHelp(program).blocks)).toContain("The commands marked (form) open a form when typed alone.");
    for (const command of DPO_FORMS.keys()) {
      const area = dpoHelp(program, command.split(" ")[0]);
      const texts = area.blocks.flatMap((b) => (b.kind === "text" ? [b.text] : b.kind === "list" ? b.items : []));
      expect(texts, command).toContain(`Typed alone, ${command} opens a form to fill in.`);
      expect(texts.some((t) => t.startsWith(`${command} (form): `)), command).toBe(true);
      expect(area.actions?.map((a) => a.command), command).toEqual([command]);
    }
    expect(JSON.stringify(dpoHelp(program, "breach").blocks)).not.toContain("form");
  });
});
