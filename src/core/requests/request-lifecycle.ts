/**
 * The life of a request, written down once: its states, which of them are
 * still open, the moves allowed between them, and the only two functions
 * that change a request's state. Every command that moves a request locks it
 * (`lockRequest`), checks its own guards, then calls `moveRequest`, which
 * refuses a move the table does not allow and writes only if the request is
 * still in the state the caller saw.
 */
import type { RecordingRequest } from "../../generated/prisma/client.ts";
import type { Tx } from "../context.ts";
import { AppError } from "../errors.ts";
import { loadRequest, type RequestWithDecisions } from "./load-request.ts";

/** A request's state (prisma/schema.prisma, enum RequestStatus). */
export type RequestStatus = RecordingRequest["status"];

/** States in which someone still has to act: authorise, consent or find the recording. */
export const OPEN_STATUSES: readonly RequestStatus[] = ["PENDING_APPROVAL", "AWAITING_CONSENT", "AWAITING_FULFILMENT"];

/**
 * Every move a request may make, from the state it is in. A request is
 * created PENDING_APPROVAL (submit-request.ts). Authorisation goes on to
 * consent, to the fulfillers, or straight to FULFILLED when fulfilment is
 * automatic and one call fits (fulfilment-steps.ts). Any open request may be
 * withdrawn by its requester or expire unanswered (chase-pending-requests.ts).
 * The recorded employee may withdraw a consent they gave while the request is
 * waiting for its recording or after it was delivered (withdraw-consent.ts).
 * Every other state is final.
 */
export const REQUEST_TRANSITIONS: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = {
  PENDING_APPROVAL: ["AWAITING_CONSENT", "AWAITING_FULFILMENT", "FULFILLED", "DENIED", "WITHDRAWN", "EXPIRED"],
  AWAITING_CONSENT: ["AWAITING_FULFILMENT", "FULFILLED", "CONSENT_REFUSED", "WITHDRAWN", "EXPIRED"],
  AWAITING_FULFILMENT: ["FULFILLED", "NOT_FOUND", "CONSENT_REFUSED", "WITHDRAWN", "EXPIRED"],
  FULFILLED: ["CONSENT_REFUSED"],
  DENIED: [],
  CONSENT_REFUSED: [],
  NOT_FOUND: [],
  WITHDRAWN: [],
  EXPIRED: [],
};

/** Whether the lifecycle allows a request in state `from` to move to `to`. */
export function canMoveRequest(from: RequestStatus, to: RequestStatus): boolean {
  return REQUEST_TRANSITIONS[from].includes(to);
}

/** What a move writes: the new state, and the dates or recording that come with it. */
export type RequestMove = { status: RequestStatus } & Partial<Pick<RecordingRequest, "decidedAt" | "closedAt" | "recordingId">>;

/**
 * Locks a request's row for the rest of the transaction and loads it, so two
 * people acting at once are served one after the other and see each other's
 * decisions.
 */
export async function lockRequest(tx: Tx, idOrReference: string): Promise<RequestWithDecisions> {
  const request = await loadRequest(tx, idOrReference);
  await tx.$queryRaw`SELECT id FROM "RecordingRequest" WHERE id = ${request.id}::uuid FOR UPDATE`;
  return loadRequest(tx, request.id);
}

/**
 * Moves a request from the state the caller saw to a new one. The condition on
 * the old state makes the move safe even without the row lock: if the request
 * has moved on meanwhile, nothing is written and AppError CONFLICT is thrown.
 * A move the lifecycle does not allow is a bug in the caller, not something a
 * person did, so it throws a plain Error before anything is written.
 */
export async function moveRequest(tx: Tx, request: RecordingRequest, move: RequestMove): Promise<void> {
  if (!(await moveRequestIfUnchanged(tx, request, move))) {
    throw new AppError("CONFLICT", `Request ${request.reference} changed while you were acting on it. Please look again.`);
  }
}

/**
 * `moveRequest` for claims, where losing the race is expected and not an
 * error (a job run by several instances): false, with nothing written, when
 * the request is no longer in the state the caller saw.
 */
export async function moveRequestIfUnchanged(tx: Tx, request: RecordingRequest, move: RequestMove): Promise<boolean> {
  if (!canMoveRequest(request.status, move.status)) {
    throw new Error(`Request ${request.reference} cannot move from ${request.status} to ${move.status}: the request lifecycle does not allow it.`);
  }
  const { count } = await tx.recordingRequest.updateMany({ where: { id: request.id, status: request.status }, data: move });
  return count === 1;
}
