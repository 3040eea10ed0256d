/**
 * The Block Kit rules Slack enforces that a fake can check: block and element
 * types, text and option limits, id uniqueness, view structure. Each check
 * returns the problems found, worded like Slack's `invalid_blocks` details,
 * so a test failure says which rule broke.
 */

type Json = Record<string, unknown>;

const MESSAGE_BLOCKS = new Set(["section", "header", "divider", "context", "actions", "image", "rich_text"]);
const VIEW_BLOCKS = new Set([...MESSAGE_BLOCKS, "input"]);
const INPUT_ELEMENTS = new Set([
  "plain_text_input", "datepicker", "timepicker", "datetimepicker", "static_select", "external_select", "users_select", "conversations_select",
  "channels_select", "multi_static_select", "multi_users_select", "checkboxes", "radio_buttons", "email_text_input", "number_input", "url_text_input",
]);
const ACTION_ELEMENTS = new Set(["button", "static_select", "external_select", "users_select", "conversations_select", "channels_select", "overflow", "datepicker", "timepicker", "checkboxes", "radio_buttons"]);

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

class Checker {
  readonly problems: string[] = [];
  fail(path: string, message: string): void {
    this.problems.push(`${message} [json-pointer:${path}]`);
  }

  text(path: string, value: unknown, max: number, opts: { plainOnly?: boolean } = {}): void {
    if (!isObj(value)) return this.fail(path, "must be a text object");
    const type = value.type;
    if (type !== "plain_text" && type !== "mrkdwn") return this.fail(`${path}/type`, "must be plain_text or mrkdwn");
    if (opts.plainOnly && type !== "plain_text") this.fail(`${path}/type`, "must be plain_text");
    if (typeof value.text !== "string" || value.text.length === 0) return this.fail(`${path}/text`, "must be more than 0 characters");
    if (value.text.length > max) this.fail(`${path}/text`, `must be less than ${max + 1} characters`);
  }

  id(path: string, value: unknown, seen: Set<string>, what: string): void {
    if (value === undefined) return;
    if (typeof value !== "string" || value.length === 0 || value.length > 255) return this.fail(path, `${what} must be 1 to 255 characters`);
    if (seen.has(value)) this.fail(path, `${what} "${value}" is not unique`);
    seen.add(value);
  }

  /** A confirmation dialog: plain-text title (100), text (300), confirm and deny (30 each). */
  confirm(path: string, value: unknown): void {
    if (!isObj(value)) return this.fail(path, "must be a confirmation dialog object");
    this.text(`${path}/title`, value.title, 100, { plainOnly: true });
    this.text(`${path}/text`, value.text, 300);
    this.text(`${path}/confirm`, value.confirm, 30, { plainOnly: true });
    this.text(`${path}/deny`, value.deny, 30, { plainOnly: true });
    if (value.style !== undefined && value.style !== "primary" && value.style !== "danger") this.fail(`${path}/style`, "must be primary or danger");
  }

  option(path: string, value: unknown): string | undefined {
    if (!isObj(value)) {
      this.fail(path, "must be an option object");
      return undefined;
    }
    this.text(`${path}/text`, value.text, 75, { plainOnly: true });
    if (typeof value.value !== "string" || value.value.length === 0 || value.value.length > 150) this.fail(`${path}/value`, "must be 1 to 150 characters");
    return typeof value.value === "string" ? value.value : undefined;
  }

  element(path: string, el: unknown, allowed: Set<string>, actionIds: Set<string>): void {
    if (!isObj(el)) return this.fail(path, "must be an element object");
    const type = String(el.type);
    if (!allowed.has(type)) return this.fail(`${path}/type`, `element type "${type}" is not allowed here`);
    this.id(`${path}/action_id`, el.action_id, actionIds, "action_id");
    if (el.placeholder !== undefined) this.text(`${path}/placeholder`, el.placeholder, 150, { plainOnly: true });
    switch (type) {
      case "button":
        this.text(`${path}/text`, el.text, 75, { plainOnly: true });
        if (el.value !== undefined && (typeof el.value !== "string" || el.value.length > 2000)) this.fail(`${path}/value`, "must be less than 2001 characters");
        if (el.url !== undefined && (typeof el.url !== "string" || el.url.length > 3000 || !/^https?:\/\//.test(el.url))) this.fail(`${path}/url`, "must be an http(s) URL under 3001 characters");
        if (el.style !== undefined && el.style !== "primary" && el.style !== "danger") this.fail(`${path}/style`, "must be primary or danger");
        if (el.confirm !== undefined) this.confirm(`${path}/confirm`, el.confirm);
        break;
      case "static_select":
      case "multi_static_select": {
        const options = el.options;
        if (!Array.isArray(options) || options.length === 0 || options.length > 100) {
          this.fail(`${path}/options`, "must have 1 to 100 options");
          break;
        }
        const values = options.map((o, i) => this.option(`${path}/options/${i}`, o));
        if (new Set(values).size !== values.length) this.fail(`${path}/options`, "option values must be unique");
        if (el.initial_option !== undefined) {
          const initial = this.option(`${path}/initial_option`, el.initial_option);
          const match = options.find((o) => isObj(o) && o.value === initial);
          if (!match || JSON.stringify(match) !== JSON.stringify(el.initial_option)) this.fail(`${path}/initial_option`, "must exactly match one of the options");
        }
        break;
      }
      case "checkboxes":
      case "radio_buttons": {
        // Their options may be mrkdwn; at most 10.
        const options = el.options;
        if (!Array.isArray(options) || options.length === 0 || options.length > 10) {
          this.fail(`${path}/options`, "must have 1 to 10 options");
          break;
        }
        options.forEach((o, i) => {
          if (!isObj(o)) return this.fail(`${path}/options/${i}`, "must be an option object");
          this.text(`${path}/options/${i}/text`, o.text, 75);
          if (typeof o.value !== "string" || o.value.length === 0 || o.value.length > 150) this.fail(`${path}/options/${i}/value`, "must be 1 to 150 characters");
        });
        break;
      }
      case "plain_text_input": {
        const max = el.max_length;
        if (max !== undefined && (typeof max !== "number" || max < 1 || max > 3000)) this.fail(`${path}/max_length`, "must be 1 to 3000");
        if (el.initial_value !== undefined && (typeof el.initial_value !== "string" || el.initial_value.length > (typeof max === "number" ? max : 3000))) {
          this.fail(`${path}/initial_value`, "is longer than max_length");
        }
        break;
      }
      case "datepicker":
        if (el.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(el.initial_date))) this.fail(`${path}/initial_date`, "must be YYYY-MM-DD");
        break;
      case "timepicker":
        if (el.initial_time !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(String(el.initial_time))) this.fail(`${path}/initial_time`, "must be HH:mm");
        break;
      case "users_select":
        if (el.initial_user !== undefined && typeof el.initial_user !== "string") this.fail(`${path}/initial_user`, "must be a user id");
        break;
    }
  }

  block(path: string, block: unknown, allowed: Set<string>, blockIds: Set<string>): void {
    if (!isObj(block)) return this.fail(path, "must be a block object");
    const type = String(block.type);
    if (!allowed.has(type)) return this.fail(`${path}/type`, `block type "${type}" is not allowed here`);
    this.id(`${path}/block_id`, block.block_id, blockIds, "block_id");
    const actionIds = new Set<string>();
    switch (type) {
      case "section": {
        if (block.text === undefined && block.fields === undefined) this.fail(path, "must have text or fields");
        if (block.text !== undefined) this.text(`${path}/text`, block.text, 3000);
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields) || block.fields.length > 10) this.fail(`${path}/fields`, "must have at most 10 fields");
          else block.fields.forEach((f, i) => this.text(`${path}/fields/${i}`, f, 2000));
        }
        if (block.accessory !== undefined) this.element(`${path}/accessory`, block.accessory, ACTION_ELEMENTS, actionIds);
        break;
      }
      case "header":
        this.text(`${path}/text`, block.text, 150, { plainOnly: true });
        break;
      case "context":
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) this.fail(`${path}/elements`, "must have 1 to 10 elements");
        else block.elements.forEach((e, i) => (isObj(e) && e.type === "image" ? undefined : this.text(`${path}/elements/${i}`, e, 3000)));
        break;
      case "actions":
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25) this.fail(`${path}/elements`, "must have 1 to 25 elements");
        else block.elements.forEach((e, i) => this.element(`${path}/elements/${i}`, e, ACTION_ELEMENTS, actionIds));
        break;
      case "input":
        this.text(`${path}/label`, block.label, 2000, { plainOnly: true });
        if (block.hint !== undefined) this.text(`${path}/hint`, block.hint, 2000, { plainOnly: true });
        if (block.optional !== undefined && typeof block.optional !== "boolean") this.fail(`${path}/optional`, "must be a boolean");
        if (block.dispatch_action !== undefined && typeof block.dispatch_action !== "boolean") this.fail(`${path}/dispatch_action`, "must be a boolean");
        this.element(`${path}/element`, block.element, INPUT_ELEMENTS, actionIds);
        break;
    }
  }

  blocks(path: string, blocks: unknown, max: number, allowed: Set<string>): void {
    if (blocks === undefined) return;
    if (!Array.isArray(blocks)) return this.fail(path, "must be an array");
    if (blocks.length > max) this.fail(path, `must have no more than ${max} items`);
    const blockIds = new Set<string>();
    blocks.forEach((b, i) => this.block(`${path}/${i}`, b, allowed, blockIds));
  }
}

/** chat.postMessage / chat.update / response_url messages. */
export function messageProblems(message: { text?: unknown; blocks?: unknown }): string[] {
  const c = new Checker();
  if (typeof message.text !== "string" || message.text.trim() === "") c.fail("/text", "fallback text is required with blocks (Callgate rule: notifications and screen readers need it)");
  else if (message.text.length > 40_000) c.fail("/text", "must be no more than 40000 characters");
  c.blocks("/blocks", message.blocks, 50, MESSAGE_BLOCKS);
  return c.problems;
}

/** views.open / views.update (modal) and views.publish (home). */
export function viewProblems(view: unknown, surface: "modal" | "home"): string[] {
  const c = new Checker();
  if (!isObj(view)) return ["view must be an object"];
  if (view.type !== surface) c.fail("/type", `must be "${surface}"`);
  if (surface === "modal") {
    c.text("/title", view.title, 24, { plainOnly: true });
    if (view.submit !== undefined) c.text("/submit", view.submit, 24, { plainOnly: true });
    if (view.close !== undefined) c.text("/close", view.close, 24, { plainOnly: true });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === "input");
    if (hasInput && view.submit === undefined) c.fail("/submit", "is required when a modal has input blocks");
  }
  if (view.private_metadata !== undefined && (typeof view.private_metadata !== "string" || view.private_metadata.length > 3000)) c.fail("/private_metadata", "must be no more than 3000 characters");
  if (view.callback_id !== undefined && (typeof view.callback_id !== "string" || view.callback_id.length > 255)) c.fail("/callback_id", "must be no more than 255 characters");
  if (!Array.isArray(view.blocks)) c.fail("/blocks", "is required");
  c.blocks("/blocks", view.blocks, 100, VIEW_BLOCKS);
  return c.problems;
}
