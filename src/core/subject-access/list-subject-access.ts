/**
 * The DPO's views of subject access requests: the open ones, nearest
 * deadline first (optionally with recently closed ones), and one in full.
 * Read only; the same role check as every subject access command.
 */
import type { CoreContext } from "../context.ts";
import { buildSubjectAccessView, loadSubjectAccess, sortItems, SUBJECT_ACCESS_DETAIL, type SubjectAccessView } from "./subject-access-view.ts";
import { requireSubjectAccessOwner } from "./subject-access-rules.ts";
import { withRefusalAudit } from "../guards.ts";

export interface ListSubjectAccessInput {
  actorEmail: string;
  /** Also the most recently closed requests. */
  includeClosed?: boolean;
  limit?: number;
}

export async function listSubjectAccess(ctx: CoreContext, input: ListSubjectAccessInput): Promise<SubjectAccessView[]> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "subject-access.refused", command: "list-subject-access" }, () => attemptListSubjectAccess(ctx, input));
}

async function attemptListSubjectAccess(ctx: CoreContext, input: ListSubjectAccessInput): Promise<SubjectAccessView[]> {
  requireSubjectAccessOwner(ctx.policy, input.actorEmail);
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const include = SUBJECT_ACCESS_DETAIL;
  const open = await ctx.db.subjectAccessRequest.findMany({ where: { status: "OPEN" }, orderBy: [{ dueOn: "asc" }, { reference: "asc" }], take: limit, include });
  const closed = input.includeClosed ? await ctx.db.subjectAccessRequest.findMany({ where: { status: { not: "OPEN" } }, orderBy: { closedAt: "desc" }, take: limit, include }) : [];
  return [...open, ...closed].map((sar) => buildSubjectAccessView(ctx, sortItems(sar)));
}

export async function showSubjectAccess(ctx: CoreContext, input: { actorEmail: string; reference: string }): Promise<SubjectAccessView> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "subject-access.refused", command: "show-subject-access", reference: input.reference }, () => attemptShowSubjectAccess(ctx, input));
}

async function attemptShowSubjectAccess(ctx: CoreContext, input: { actorEmail: string; reference: string }): Promise<SubjectAccessView> {
  requireSubjectAccessOwner(ctx.policy, input.actorEmail);
  return buildSubjectAccessView(ctx, await loadSubjectAccess(ctx.db, input.reference));
}

