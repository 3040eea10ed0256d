/**
 * Small builders for Adaptive Cards (schema 1.5, the version Universal
 * Actions need), typed against the Teams SDK's card interfaces.
 *
 * Anything a person typed (reasons, parties) goes into a RichTextBlock's
 * TextRun, which Teams never reads as markdown: a reason containing
 * `[click here](https://…)` shows as those characters, not as a link.
 */
import type { Action, CardElement, IAdaptiveCard, IChoice, IExecuteAction, IFactSet, IOpenUrlAction, IRefreshDefinition, IRichTextBlock, IShowCardAction, ITextBlock } from "@microsoft/teams.cards";
import type { Verb } from "../ids.ts";

export type Card = IAdaptiveCard;
export type Element = CardElement;

export const CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

export function card(body: Element[], options: { actions?: Action[]; refresh?: IRefreshDefinition; fallbackText?: string } = {}): Card {
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    body,
    ...(options.actions?.length ? { actions: options.actions } : {}),
    ...(options.refresh ? { refresh: options.refresh } : {}),
    ...(options.fallbackText ? { fallbackText: options.fallbackText } : {}),
  } as Card;
}

/** Trusted text (from the policy or Callgate itself): may use Teams' markdown subset. */
export function text(value: string, options: Partial<Pick<ITextBlock, "size" | "weight" | "color" | "isSubtle" | "spacing" | "id">> = {}): ITextBlock {
  return { type: "TextBlock", text: value, wrap: true, ...options } as ITextBlock;
}

export function heading(value: string): ITextBlock {
  return text(value, { size: "Medium", weight: "Bolder" });
}

export function subtle(value: string): ITextBlock {
  return text(value, { isSubtle: true, size: "Small" });
}

/** A warning shown in the card, e.g. a refusal or a field's error. */
export function attention(value: string, id?: string): ITextBlock {
  return text(value, { color: "Attention", weight: "Bolder", ...(id ? { id } : {}) });
}

/** Untrusted text, shown literally (no markdown, no links), with an optional bold label. */
export function plain(value: string, label?: string): IRichTextBlock {
  const inlines = [...(label ? [{ type: "TextRun", text: `${label}: `, weight: "Bolder" }] : []), { type: "TextRun", text: value }];
  return { type: "RichTextBlock", inlines } as IRichTextBlock;
}

/** Facts whose values come from the policy or the core's formatting, never from free text. */
export function facts(rows: ReadonlyArray<readonly [string, string]>): IFactSet {
  return { type: "FactSet", facts: rows.map(([title, value]) => ({ title, value })) } as IFactSet;
}

export function execute(title: string, verb: Verb, data: Record<string, unknown>, style?: "positive" | "destructive"): IExecuteAction {
  return { type: "Action.Execute", title, verb, data, ...(style ? { style } : {}) } as IExecuteAction;
}

export function openUrl(title: string, url: string): IOpenUrlAction {
  return { type: "Action.OpenUrl", title, url, style: "positive" } as IOpenUrlAction;
}

export function showCard(title: string, inner: Card, style?: "positive" | "destructive"): IShowCardAction {
  return { type: "Action.ShowCard", title, card: inner, ...(style ? { style } : {}) } as IShowCardAction;
}

/**
 * Universal Actions refresh: whenever the card is shown, Teams asks the bot
 * for the current card, drawn for whoever is looking. Callgate's cards live
 * in personal chats, so the one viewer to refresh for is the recipient.
 */
export function refresh(verb: Verb, data: Record<string, unknown>, userIds: string[]): IRefreshDefinition {
  return { action: { type: "Action.Execute", title: "Refresh", verb, data } as IExecuteAction, userIds } as IRefreshDefinition;
}

export function choice(title: string, value: string): IChoice {
  return { title, value } as IChoice;
}
