import { describe, expect, it, vi } from "vitest";
import { RequestStatus as PRISMA_STATUSES } from "../../src/generated/prisma/enums.ts";
import type { RecordingRequest } from "../../src/generated/prisma/client.ts";
import type { Tx } from "../../src/core/context.ts";
import { canMoveRequest, moveRequest, moveRequestIfUnchanged, OPEN_STATUSES, REQUEST_TRANSITIONS, type RequestStatus } from "../../src/core/requests/request-lifecycle.ts";

const ALL = Object.values(PRISMA_STATUSES) as RequestStatus[];
const CLOSED = ALL.filter((s) => !OPEN_STATUSES.includes(s));

/** Every move the commands make today, and where. */
const MOVES_MADE: [RequestStatus, RequestStatus, string][] = [
  ["PENDING_APPROVAL", "DENIED", "record-decision: a denial"],
  ["PENDING_APPROVAL", "AWAITING_CONSENT", "afterAuthorisation: the purpose needs the employee's consent"],
  ["PENDING_APPROVAL", "AWAITING_FULFILMENT", "beginFulfilment: the fulfillers are asked"],
  ["PENDING_APPROVAL", "FULFILLED", "completeFulfilment: automatic, one candidate"],
  ["AWAITING_CONSENT", "CONSENT_REFUSED", "record-consent: refused"],
  ["AWAITING_CONSENT", "AWAITING_FULFILMENT", "record-consent: given, the fulfillers are asked"],
  ["AWAITING_CONSENT", "FULFILLED", "record-consent: given, automatic, one candidate"],
  ["AWAITING_FULFILMENT", "FULFILLED", "fulfil-request: a recording chosen"],
  ["AWAITING_FULFILMENT", "NOT_FOUND", "fulfil-request: no call matches"],
  ["AWAITING_FULFILMENT", "CONSENT_REFUSED", "withdraw-consent: before delivery"],
  ["FULFILLED", "CONSENT_REFUSED", "withdraw-consent: after delivery"],
  ...OPEN_STATUSES.map((s): [RequestStatus, RequestStatus, string] => [s, "WITHDRAWN", "withdraw-request"]),
  ...OPEN_STATUSES.map((s): [RequestStatus, RequestStatus, string] => [s, "EXPIRED", "chase-pending-requests"]),
];

function request(status: RequestStatus): RecordingRequest {
  return { id: "00000000-0000-4000-8000-000000000001", reference: "CG-000001", status } as RecordingRequest;
}

/** A transaction that records whether anything was written, and reports one row changed. */
function fakeTx() {
  const updateMany = vi.fn(async () => ({ count: 1 }));
  return { tx: { recordingRequest: { updateMany } } as unknown as Tx, updateMany };
}

describe("request lifecycle", () => {
  it("has a row for every state in the database's enum, naming only real states", () => {
    expect(Object.keys(REQUEST_TRANSITIONS).sort()).toEqual([...ALL].sort());
    for (const targets of Object.values(REQUEST_TRANSITIONS)) for (const to of targets) expect(ALL).toContain(to);
  });

  it.each(MOVES_MADE)("allows %s to %s (%s)", (from, to) => {
    expect(canMoveRequest(from, to)).toBe(true);
  });

  it("allows no move the commands do not make", () => {
    const made = new Set(MOVES_MADE.map(([from, to]) => `${from}>${to}`));
    for (const from of ALL) for (const to of REQUEST_TRANSITIONS[from]) expect(made, `${from} to ${to}`).toContain(`${from}>${to}`);
  });

  it("never moves a request back to waiting for authorisation, nor to the state it is in", () => {
    for (const from of ALL) {
      expect(canMoveRequest(from, "PENDING_APPROVAL"), from).toBe(false);
      expect(canMoveRequest(from, from), from).toBe(false);
    }
    expect(canMoveRequest("FULFILLED", "PENDING_APPROVAL")).toBe(false);
  });

  it("keeps every closed state final, except a delivery the employee withdraws consent from", () => {
    for (const status of CLOSED.filter((s) => s !== "FULFILLED")) expect(REQUEST_TRANSITIONS[status], status).toEqual([]);
    expect(REQUEST_TRANSITIONS.FULFILLED).toEqual(["CONSENT_REFUSED"]);
  });

  it("lets every open request be withdrawn or expire", () => {
    for (const status of OPEN_STATUSES) {
      expect(canMoveRequest(status, "WITHDRAWN"), status).toBe(true);
      expect(canMoveRequest(status, "EXPIRED"), status).toBe(true);
    }
  });

  it("refuses an illegal move before writing anything", async () => {
    const { tx, updateMany } = fakeTx();
    await expect(moveRequest(tx, request("FULFILLED"), { status: "PENDING_APPROVAL" })).rejects.toThrow(/cannot move from FULFILLED to PENDING_APPROVAL/);
    await expect(moveRequestIfUnchanged(tx, request("DENIED"), { status: "FULFILLED" })).rejects.toThrow(/cannot move from DENIED to FULFILLED/);
    expect(updateMany).not.toHaveBeenCalled();
  });

  it("writes an allowed move only where the request is still in the state the caller saw", async () => {
    const { tx, updateMany } = fakeTx();
    const closedAt = new Date("2026-11-20T12:00:00Z");
    await moveRequest(tx, request("PENDING_APPROVAL"), { status: "WITHDRAWN", closedAt });
    expect(updateMany).toHaveBeenCalledWith({ where: { id: request("PENDING_APPROVAL").id, status: "PENDING_APPROVAL" }, data: { status: "WITHDRAWN", closedAt } });
  });
});
