import { readFile } from "node:fs/promises";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { explainPolicy } from "../../src/core/policy/explain-policy.ts";
import { parsePolicy } from "../../src/core/policy/load-policy.ts";
import { reviewPolicy } from "../../src/core/policy/review-policy.ts";
import { flat, purposeSection } from "../support/policy-report.ts";

let demo: string;
let vision: string;
beforeAll(async () => {
  demo = await readFile("policies/demo.yml", "utf8");
  vision = await readFile("policies/vision-academy-learning-trust.yml", "utf8");
});

const edit = (text: string, from: string, to: string) => {
  if (!text.includes(from)) throw new Error(`not in the file: ${from}`);
  return text.replace(from, () => to);
};
const review = (text: string, now = new Date("2026-12-03T12:00:00Z")) => reviewPolicy(parsePolicy(text, "x.yml"), now);

describe("provenance in the policy file", () => {
  it("lifts section and assumed from any part, whole or per setting", () => {
    const policy = parsePolicy(vision, "vision.yml");
    expect(policy.provenance.notes["fulfilment"]).toEqual({ where: "fulfilment", section: "§3.1" });
    expect(policy.provenance.notes["purposes.0"]?.section).toBe("§2, §3 and §4");
    expect(policy.provenance.notes["playback.accessWindow"]?.assumed).toMatch(/silent on how long access lasts/);
    expect(policy.provenance.notes["covertMonitoring"]?.assumed).toMatch(/silent on covert monitoring/);
    expect(policy.organisation.review?.due?.toISOString().slice(0, 10)).toBe("2024-05-31");
  });

  it("refuses a note on a setting the part does not write, and a note that is not text, at their lines", () => {
    const bad = edit(edit(vision, "  accessWindow: the document is silent", "  deletionNotice: the document is silent"), '  section: "§4"\n', "  section: [4]\n");
    expect(() => parsePolicy(bad, "v.yml")).toThrow(/playback\.assumed\.deletionNotice: "deletionNotice" is not a setting written in this part/);
    const bad2 = edit(vision, '  section: "§4"\n', "  section: [4]\n");
    expect(() => parsePolicy(bad2, "v.yml")).toThrow(/v\.yml:\d+:\d+ retention\.section: write the section as text/);
  });

  it("refuses a review date that is not a date", () => {
    expect(() => parsePolicy(edit(vision, "due: 31/05/2024", "due: 31/02/2024"), "v.yml")).toThrow(/organisation\.review\.due: "31\/02\/2024" is not a date/);
  });
});

describe("reviewPolicy (policy check)", () => {
  it("passes the six presets with no contradiction", async () => {
    for (const name of ["demo", "vision-academy-learning-trust", "life-academies-trust", "north-wales-housing", "oxford-open-learning-trust", "ecs"]) {
      expect(review(await readFile(`policies/${name}.yml`, "utf8")).contradictions, name).toEqual([]);
    }
  });

  it("warns for every assumed value and for a review date that has passed, in UK date format", () => {
    const { warnings, contradictions } = review(vision);
    expect(contradictions).toEqual([]);
    expect(warnings).toContain("The written policy was due for review on 31/05/2024; ask for the current version and update this file from it.");
    expect(warnings.filter((w) => w.includes("is assumed"))).toHaveLength(22);
    expect(warnings.some((w) => w.startsWith("retention.default is assumed") && w.endsWith("confirm it against the written policy and the privacy notice."))).toBe(true);
  });

  it("does not warn about a review date still to come, and computes one from adopted and every", () => {
    expect(review(vision, new Date("2024-05-31T22:00:00Z")).warnings.join("\n")).not.toContain("due for review");
    const every = edit(vision, "    due: 31/05/2024\n", "    adopted: 03/12/2021\n    every: 3 years\n");
    expect(review(every).warnings).toContain("The written policy was due for review on 03/12/2024; ask for the current version and update this file from it.");
    expect(review(every, new Date("2024-12-02T10:00:00Z")).warnings.join("\n")).not.toContain("due for review");
  });

  it("fails a subject access request nobody owns and a disclosure nobody can decide", () => {
    const text = edit(demo, "  - id: dpo\n    label: Trust Data Protection Officer\n", "  - id: dpo\n    label: Trust Data Protection Officer\n  - id: governor\n    label: Governor\n");
    const sar = edit(text, "  ownerRoles: [dpo]", "  ownerRoles: [governor]");
    expect(review(sar).contradictions).toContain("Nobody owns subject access requests: nobody holds a role under subjectAccess.ownerRoles, so a request anyone logs would go nowhere.");
    const disclosure = edit(text, "disclosure:\n  authoriserRoles: [dpo, ceo]\n", "disclosure:\n  authoriserRoles: [governor]\n");
    // The loader already refuses this one (a contradiction caught before the review).
    expect(() => review(disclosure)).toThrow(/disclosure\.authoriserRoles: nobody holds a role that can authorise a disclosure/);
  });

  it("fails a subject access owner role, or a staff-request owner role, that nobody in people holds", () => {
    const text = edit(demo, "  - id: dpo\n    label: Trust Data Protection Officer\n", "  - id: dpo\n    label: Trust Data Protection Officer\n  - id: governor\n    label: Governor\n");
    expect(review(text).contradictions).toEqual([]);
    const unheld = edit(text, "  ownerRoles: [dpo]", "  ownerRoles: [dpo, governor]");
    expect(review(unheld).contradictions).toEqual(["subjectAccess.ownerRoles names Governor (governor), but nobody in people holds that role, so no subject access request can go to it: give the role to someone, or take it out of the list."]);
    const staff = edit(text, "  ownerRoles: [dpo]", "  ownerRoles: [dpo]\n  employeeOwnerRoles: [governor]");
    expect(review(staff).contradictions).toEqual(["Nobody owns a member of staff's request for their own calls: nobody holds a role under subjectAccess.employeeOwnerRoles, so such a request would go nowhere."]);
    const someStaff = edit(text, "  ownerRoles: [dpo]", "  ownerRoles: [dpo]\n  employeeOwnerRoles: [ceo, governor]");
    expect(review(someStaff).contradictions).toEqual([expect.stringMatching(/^subjectAccess\.employeeOwnerRoles names Governor \(governor\), but nobody in people holds that role/)]);
  });

  it("fails a disclosure only one person could both record and decide, unless the policy lets them", () => {
    expect(review(vision).contradictions).toEqual([]);
    const strict = edit(edit(vision, "  recorderMayAuthorise: true\n", ""), /    recorderMayAuthorise: .*\n/.exec(vision)![0], "");
    // The loader refuses it first (disclosure's own check); the review keeps the same rule for policies built in code.
    expect(() => review(strict)).toThrow(/disclosure\.recorderMayAuthorise: nobody could ever authorise a disclosure/);
  });

  it("fails a purpose nobody can ask for and a site role nobody holds at a site where a purpose needs it", () => {
    const noRequester = edit(demo, "    roles: [staff]\n", "    roles: []\n");
    expect(review(noRequester).contradictions).toContain('Nobody can ask for "My own calls": nobody holds a role that may request it.');
    const noPrincipal = edit(demo, "    roles: [slt, principal]\n    sites: [riverside]\n", "    roles: [slt]\n    sites: [riverside]\n");
    expect(review(noPrincipal).contradictions.join("\n")).toMatch(/Nobody can authorise "My own calls" for calls at Riverside Academy: nobody there holds/);
  });

  it("fails covert monitoring allowed with nobody to authorise it, and reminders that come after the time-out", () => {
    const text = edit(demo, "  - id: dpo\n    label: Trust Data Protection Officer\n", "  - id: dpo\n    label: Trust Data Protection Officer\n  - id: governor\n    label: Governor\n");
    const covert = /covertMonitoring:\n(?: .*\n)+/.exec(text)![0];
    expect(review(edit(text, covert, "covertMonitoring:\n  allowed: true\n  authoriserRoles: [governor]\n")).contradictions).toContain("Covert monitoring is allowed, but nobody holds a role that may authorise it.");
    const timing = /requesting:\n(?: .*\n)+/.exec(demo)![0];
    expect(review(edit(demo, timing, `${timing}  remindAfter: 20 days\n`.replace(/  remindAfter: .*\n(?=[\s\S]*remindAfter)/, ""))).contradictions.join("\n")).toContain("requesting.remindAfter is not shorter than requesting.expireAfter");
  });

  it("warns, naming the purpose and whose request, where one authoriser on the call leaves nobody to authorise it (not a failure)", async () => {
    const { warnings, contradictions } = review(demo);
    expect(contradictions).toEqual([]);
    const safeguarding = warnings.find((w) => w.startsWith('"Safeguarding",'));
    // Purposes whose dead ends are the same cases share one warning.
    // The principal asks about a call the CEO was on, or the reverse: each of the two authorisers is out.
    expect(safeguarding).toBe(
      '"Safeguarding", "Complaint" and "Staff training" can never be authorised for Amara Okafor asking about a call Farid Khan took part in (calls at Northfield Primary Academy); for Farid Khan asking about a call Amara Okafor took part in (calls at Northfield Primary Academy); for Farid Khan asking about a call Grace Lee took part in (calls at Riverside Academy); for Grace Lee asking about a call Farid Khan took part in (calls at Riverside Academy): nobody authorises their own request, one about themselves or a call they took part in, and nobody else can give the approvals it needs. Such a request is refused when it is made, saying the Data Protection Officer must be asked.',
    );
    // Two approvals from different people: one of them on the call is enough, whoever asks.
    expect(warnings.find((w) => w.startsWith('"Disciplinary investigation"'))).toContain("for anyone asking about a call Carys Evans took part in, or that concerns Carys Evans");
    // A second Chief Executive removes it; North Wales Housing's three authorisers never meet it.
    const second = edit(demo, "  - email: farid.khan@northfield.example\n    name: Farid Khan\n    roles: [ceo]\n", "  - email: farid.khan@northfield.example\n    name: Farid Khan\n    roles: [ceo]\n  - email: deputy.ceo@northfield.example\n    name: Dana Deputy\n    roles: [ceo]\n");
    expect(review(second).warnings.filter((w) => w.includes('"Safeguarding"'))).toEqual([]);
    const nwh = await readFile("policies/north-wales-housing.yml", "utf8");
    expect(review(nwh).warnings.filter((w) => w.includes("can never be authorised"))).toEqual([]);
  });
});

describe("explain: sources and assumptions", () => {
  it("keeps any section and assumed text on any part, whatever it says (fast-check)", () => {
    const note = fc.string({ minLength: 1, maxLength: 80 }).filter((t) => t.trim().length > 0 && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]/.test(t));
    const part = fc.constantFrom("fulfilment", "compliance", "subjectAccess", "retention");
    fc.assert(
      fc.property(part, note, note, (key, section, assumed) => {
        const text = edit(demo, `\n${key}:\n`, `\n${key}:\n  section: ${JSON.stringify(section)}\n  assumed: ${JSON.stringify(assumed)}\n`);
        const policy = parsePolicy(text, "demo.yml");
        expect(policy.provenance.notes[key]).toEqual({ where: key, section: section.trim(), assumed: assumed.trim() });
        expect(reviewPolicy(policy, new Date()).warnings).toContain(`${key} is assumed (${assumed.trim()}): confirm it against the written policy and the privacy notice.`);
      }),
      { numRuns: 40 },
    );
  });

  it("explains authorisation shapes: the requester's own decision, an approval note, the staff member concerned", () => {
    const text = edit(
      edit(demo, "    consent: recorded-employee\n", "    consent: recorded-employee\n    concernsStaffMember: required\n    approvalNote:\n      prompt: Why is listening necessary?\n"),
      "  - id: training\n",
      "  - id: own-decision\n    label: Own decision\n    lawfulBasis: Article 6(1)(d)\n    reasonPrompt: What happened?\n    authorisation: requester\n  - id: training\n",
    );
    const report = explainPolicy(parsePolicy(text, "demo.yml"));
    expect(flat(purposeSection(report, "Own decision"))).toContain("Authorised by the requester's own decision (their role decides)");
    const training = flat(purposeSection(report, "Staff training"));
    expect(training).toContain('Each approval must carry a note: "Why is listening necessary?" (at least 20 characters)');
    expect(training).toContain("The request must name the member of staff it concerns; that person, like anyone who was a party to the call, can never authorise it.");
    expect(reviewPolicy(parsePolicy(text, "demo.yml"), new Date()).contradictions).toEqual([]);
  });

  it("explains the parts added later: breaches, and subject access intake", () => {
    const report = flat(explainPolicy(parsePolicy(demo, "demo.yml")));
    expect(report).toContain("Personal data breaches Anyone may report a breach. Told of each report: Trust Data Protection Officer (Carys Evans). The ICO must be told within 72 hours of discovery (UK GDPR Article 33)");
    expect(report).toContain("Any member of staff may log a request they receive.");
    expect(report).toContain("A link ends when its recording is deleted; the requester is told 2 days before.");
  });

  it("prints each part's section beside its rules, and assumptions marked as such", () => {
    const report = flat(explainPolicy(parsePolicy(vision, "vision.yml")));
    expect(report).toContain("Finding the recording From the document: §3.1.");
    expect(report).toContain("1. Safeguarding staff or members of the public From the document: §2, §3 and §4.");
    expect(report).toContain("Assumed for accessWindow (the document is silent or unclear): the document is silent on how long access lasts");
    expect(report).toContain("Written policy: next review due 31/05/2024; Date of Next Review: May 2024.");
    expect(report).toContain("- covertMonitoring: assumed: the document is silent on covert monitoring");
  });

  it("lists what the file leaves to Callgate's defaults, and not what it sets", () => {
    const report = flat(explainPolicy(parsePolicy(vision, "vision.yml")));
    expect(report).toContain("- covertMonitoring.reviewEvery: 1 month. Callgate default (the policy file does not set it).");
    expect(report).not.toContain("- playback.accessWindow: 7 days. Callgate default");
    const withoutPlayback = edit(vision, /playback:\n(?: .*\n)+/.exec(vision)![0], "");
    expect(flat(explainPolicy(parsePolicy(withoutPlayback, "v.yml")))).toContain("- playback.accessWindow: 7 days. Callgate default (the policy file does not set it).");
  });

  it("lists sections noted on parts the report does not describe one by one", () => {
    const text = edit(vision, "  - id: school-a\n", "  - id: school-a\n    section: \"§1\"\n");
    expect(flat(explainPolicy(parsePolicy(text, "v.yml")))).toContain("Where other rules come from - sites.school-a: §1");
  });
});
