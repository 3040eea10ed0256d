/**
 * Payloads shaped like Slack's, built from what the fake recorded: a click on
 * a button in a message the bot posted, a choice in its select, a submission
 * of a modal the bot opened (state.values built from the modal's own inputs,
 * so a test can only submit what the form offers).
 */
import type { FakeMessage, FakeSlack, FakeView } from "./fake-slack-server.ts";

type Json = Record<string, unknown>;
const TEAM = { id: "T0TEST", domain: "callgate-test" };

/**
 * A slash command typed by `user`, in #general unless `channelId` says where
 * (a "D…" id is a direct message, as Slack reports it).
 */
export function slashCommandPayload(fake: FakeSlack, user: string, command: string, text = "", channelId = "C0GENERAL"): Json {
  return {
    token: "deprecated-verification-token",
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: channelId,
    channel_name: channelId === "C0GENERAL" ? "general" : channelId.startsWith("D") ? "directmessage" : channelId.toLowerCase(),
    user_id: user,
    user_name: user.toLowerCase(),
    command,
    text,
    api_app_id: "A0CALLGATE",
    is_enterprise_install: "false",
    response_url: fake.responseUrl(user),
    trigger_id: fake.issueTrigger(user),
  };
}

function findElement(blocks: readonly Json[], actionId: string): { block: Json; element: Json } | undefined {
  for (const block of blocks) {
    const elements = (block.elements as Json[] | undefined) ?? (block.accessory ? [block.accessory as Json] : block.element ? [block.element as Json] : []);
    const element = elements.find((e) => e.action_id === actionId);
    if (element) return { block, element };
  }
  return undefined;
}

/** Whether a message currently shows an element with this action id. */
export function hasAction(message: FakeMessage, actionId: string): boolean {
  return findElement(message.blocks, actionId) !== undefined;
}

/**
 * A click on a button (or a choice in a static select, by option index) in a
 * message as it looks now. Throws if the message does not show that control:
 * a person cannot click a button that is not there.
 */
export function messageActionPayload(fake: FakeSlack, user: string, message: FakeMessage, actionId: string, options: { optionIndex?: number; staleBlocks?: readonly Json[] } = {}): Json {
  const found = findElement(options.staleBlocks ?? message.blocks, actionId);
  if (!found) throw new Error(`the message shows no control "${actionId}"`);
  const { block, element } = found;
  const action: Json = { type: element.type, action_id: actionId, block_id: block.block_id, action_ts: `${Date.now() / 1000}` };
  if (element.type === "button") {
    action.text = element.text;
    if (element.value !== undefined) action.value = element.value;
  } else if (element.type === "static_select") {
    const chosen = (element.options as Json[])[options.optionIndex ?? 0];
    if (!chosen) throw new Error(`no option ${options.optionIndex}`);
    action.selected_option = chosen;
  }
  return {
    type: "block_actions",
    user: { id: user, username: user.toLowerCase(), team_id: TEAM.id },
    api_app_id: "A0CALLGATE",
    token: "deprecated-verification-token",
    container: { type: "message", message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: fake.issueTrigger(user),
    team: TEAM,
    channel: { id: message.channel, name: "directmessage" },
    message: { type: "message", ts: message.ts, text: message.text, blocks: options.staleBlocks ?? message.blocks },
    response_url: fake.responseUrl(user),
    actions: [action],
  };
}

/** Values a person enters, by block id: a string for text, date, time and selects (the option's value), a user id, or the ticked checkboxes' values (comma-separated; "" for none). */
export type FormInput = Record<string, string | undefined>;

/** view.state.values as Slack builds it from a modal's inputs, initial values included. */
export function stateValues(view: Json, input: FormInput): Record<string, Record<string, Json>> {
  const values: Record<string, Record<string, Json>> = {};
  for (const block of (view.blocks as Json[]) ?? []) {
    if (block.type !== "input") continue;
    const blockId = String(block.block_id);
    const el = block.element as Json;
    const given = input[blockId];
    const state: Json = { type: el.type };
    switch (el.type) {
      case "plain_text_input":
        state.value = given ?? el.initial_value ?? null;
        break;
      case "datepicker":
        state.selected_date = given ?? el.initial_date ?? null;
        break;
      case "timepicker":
        state.selected_time = given ?? el.initial_time ?? null;
        break;
      case "users_select":
        state.selected_user = given ?? el.initial_user ?? null;
        break;
      case "checkboxes": {
        // A checkbox ticked is given as its option's value; untouched, the initial ticks stand.
        if (given === undefined) state.selected_options = el.initial_options ?? [];
        else {
          const ticked = (el.options as Json[]).filter((o) => given.split(",").includes(String(o.value)));
          if (given !== "" && ticked.length === 0) throw new Error(`the "${blockId}" checkboxes offer no option "${given}"`);
          state.selected_options = ticked;
        }
        break;
      }
      case "static_select": {
        if (given === undefined) state.selected_option = el.initial_option ?? null;
        else {
          const chosen = (el.options as Json[]).find((o) => o.value === given);
          if (!chosen) throw new Error(`the "${blockId}" select offers no option "${given}"`);
          state.selected_option = chosen;
        }
        break;
      }
    }
    values[blockId] = { [String(el.action_id)]: state };
  }
  return values;
}

/** Submitting a modal the bot opened, with what the person entered. */
export function viewSubmissionPayload(user: string, view: FakeView, input: FormInput = {}): Json {
  return {
    type: "view_submission",
    team: TEAM,
    user: { id: user, username: user.toLowerCase(), team_id: TEAM.id },
    api_app_id: "A0CALLGATE",
    token: "deprecated-verification-token",
    trigger_id: `${Date.now()}.submission`,
    view: { ...view.view, id: view.id, hash: view.hash, team_id: TEAM.id, state: { values: stateValues(view.view, input) } },
    response_urls: [],
  };
}

/** Changing a select with dispatch_action inside an open modal. */
export function viewActionPayload(fake: FakeSlack, user: string, view: FakeView, blockId: string, optionValue: string, input: FormInput = {}): Json {
  const block = ((view.view.blocks as Json[]) ?? []).find((b) => b.block_id === blockId);
  const element = block?.element as Json | undefined;
  const option = (element?.options as Json[] | undefined)?.find((o) => o.value === optionValue);
  if (!element || !option) throw new Error(`the modal offers no "${optionValue}" in "${blockId}"`);
  return {
    type: "block_actions",
    user: { id: user, username: user.toLowerCase(), team_id: TEAM.id },
    api_app_id: "A0CALLGATE",
    token: "deprecated-verification-token",
    container: { type: "view", view_id: view.id },
    trigger_id: fake.issueTrigger(user),
    team: TEAM,
    view: { ...view.view, id: view.id, hash: view.hash, state: { values: stateValues(view.view, { ...input, [blockId]: optionValue }) } },
    actions: [{ type: "static_select", action_id: element.action_id, block_id: blockId, selected_option: option, action_ts: `${Date.now() / 1000}` }],
  };
}

export function appHomeOpenedEnvelope(user: string): Json {
  return {
    token: "deprecated-verification-token",
    team_id: TEAM.id,
    api_app_id: "A0CALLGATE",
    type: "event_callback",
    event_id: `Ev${Date.now()}${Math.floor(Math.random() * 1000)}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM.id, user_id: "U0BOT", is_bot: true, is_enterprise_install: false }],
    event: { type: "app_home_opened", user, channel: `D${user.replace(/^U/, "")}`, tab: "home", event_ts: `${Date.now() / 1000}` },
  };
}
