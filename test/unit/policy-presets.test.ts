import { readdir } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { authorisersFor, filledSlots, holdsRole, mayRequest, personByEmail, purposeById, requestablePurposes } from "../../src/core/policy/access.ts";
import { formatDuration } from "../../src/core/policy/duration.ts";
import { explainPolicy } from "../../src/core/policy/explain-policy.ts";
import { loadPolicyFile } from "../../src/core/policy/load-policy.ts";
import type { Person, Policy } from "../../src/core/policy/schema.ts";

const PRESETS = ["demo", "vision-academy-learning-trust", "life-academies-trust", "north-wales-housing", "oxford-open-learning-trust", "ecs"] as const;
type PresetName = (typeof PRESETS)[number];
const SEED_PRESETS = PRESETS.filter((name) => name !== "demo");

const presets = {} as Record<PresetName, Policy>;

beforeAll(async () => {
  for (const name of PRESETS) presets[name] = await loadPolicyFile(`policies/${name}.yml`);
});

const withRole = (policy: Policy, role: string): Person[] => policy.people.filter((p) => p.roles.includes(role));

describe("every preset", () => {
  it("ships one file per seed organisation plus the demo, and nothing else", async () => {
    const files = (await readdir("policies")).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml")).sort();
    expect(files).toEqual(PRESETS.map((name) => `${name}.yml`).sort());
  });

  it.each(SEED_PRESETS)("%s: every request anyone may make can be approved by other people, at every site", (name) => {
    const policy = presets[name];
    for (const purpose of policy.purposes) {
      for (const site of policy.sites) {
        const requesters = policy.people.filter((p) => mayRequest(policy, p, purpose, site.id));
        expect(requesters.length, `${name}/${purpose.id}: nobody may request at ${site.id}`).toBeGreaterThan(0);
        for (const requester of requesters) {
          const others = authorisersFor(policy, purpose, site.id).filter((p) => p.email !== requester.email);
          expect(filledSlots(policy, purpose.approvals, others, site.id), `${name}/${purpose.id} at ${site.id} asked by ${requester.email}`).toBe(purpose.approvals.length);
        }
      }
    }
  });

  it.each(SEED_PRESETS)("%s: leaves the DPO no points to check", (name) => {
    expect(explainPolicy(presets[name])).not.toContain("Points to check");
  });

  it.each(PRESETS)("%s: never allows downloads", (name) => {
    expect(presets[name].playback.allowDownload).toBe(false);
  });
});

describe("demo preset", () => {
  it("has the people, roles and sites other code relies on", () => {
    const demo = presets.demo;
    expect(demo.organisation).toMatchObject({ name: "Northfield Learning Trust", timeZone: "Europe/London" });
    expect(demo.sites.map((s) => [s.id, s.name, s.extensions[0], s.extensions.at(-1), s.extensions.length])).toEqual([
      ["northfield", "Northfield Primary Academy", "101", "110", 10],
      ["riverside", "Riverside Academy", "201", "210", 10],
    ]);
    const people = Object.fromEntries(demo.people.map((p) => [p.email.split("@")[0], { roles: p.roles, sites: p.sites, extensions: p.extensions }]));
    expect(people).toEqual({
      "amara.okafor": { roles: ["slt", "principal"], sites: ["northfield"], extensions: [] },
      "ben.hughes": { roles: ["slt"], sites: ["northfield"], extensions: ["102"] },
      "carys.evans": { roles: ["dpo"], sites: [], extensions: [] },
      "dev.patel": { roles: ["it-manager"], sites: [], extensions: [] },
      "ellie.shaw": { roles: ["staff"], sites: ["riverside"], extensions: ["201"] },
      "farid.khan": { roles: ["ceo"], sites: [], extensions: [] },
      "grace.lee": { roles: ["slt", "principal"], sites: ["riverside"], extensions: [] },
    });
    expect(demo.people.every((p) => p.email.endsWith("@northfield.example"))).toBe(true);
    expect(demo.roles.find((r) => r.id === "principal")?.scope).toBe("site");
  });

  it("routes each purpose to the authorisers the brief names", () => {
    const demo = presets.demo;
    expect(demo.purposes.map((p) => [p.id, p.approvals.map((s) => s.anyOf)])).toEqual([
      ["safeguarding", [["principal", "ceo"]]],
      ["complaint", [["principal", "ceo"]]],
      ["disciplinary", [["ceo"], ["dpo"]]],
      ["training", [["principal", "ceo"]]],
      ["own-calls", [["principal"]]],
    ]);
    expect(purposeById(demo, "training").consent).toBe("recorded-employee");
    expect(purposeById(demo, "own-calls")).toMatchObject({ ownCallsOnly: true, requestableBy: ["staff"] });
    expect(demo.fulfilment).toEqual({ mode: "automatic", roles: ["it-manager"] });
    expect(formatDuration(demo.playback.accessWindow)).toBe("7 days");
    expect(formatDuration(demo.retention.default)).toBe("12 months");
  });

  it("lets only the principal of the call's academy (or the CEO) authorise safeguarding", () => {
    const demo = presets.demo;
    const names = (site: string) => authorisersFor(demo, purposeById(demo, "safeguarding"), site).map((p) => p.name);
    expect(names("northfield")).toEqual(["Amara Okafor", "Farid Khan"]);
    expect(names("riverside")).toEqual(["Farid Khan", "Grace Lee"]);
  });

  it("leaves no request that only its own requester could authorise", () => {
    // Training names the Chief Executive beside the principal, so a principal's own request has an approver.
    expect(explainPolicy(presets.demo)).not.toContain("Points to check");
  });

  it("offers a member of staff only their own calls", () => {
    const demo = presets.demo;
    expect(requestablePurposes(demo, personByEmail(demo, "ellie.shaw@northfield.example")).map((p) => p.id)).toEqual(["own-calls"]);
  });
});

describe("Vision Academy Learning Trust (seed 000)", () => {
  it("lets only SLT request, on the vital-interests basis, for safeguarding or a complaint", () => {
    const vision = presets["vision-academy-learning-trust"];
    expect(vision.requesting.roles).toEqual(["slt"]);
    expect(vision.purposes.map((p) => p.id)).toEqual(["safeguarding", "complaint"]);
    for (const purpose of vision.purposes) expect(purpose.lawfulBasis).toContain("Article 6(1)(d)");
  });

  it("has the IT Manager or IT Department pick every recording", () => {
    expect(presets["vision-academy-learning-trust"].fulfilment).toEqual({ mode: "fulfiller", roles: ["it-manager", "it-department"] });
  });

  it("requires the call's direction (§3.1: 'if the call was inbound or outbound'); every other preset leaves it to the default", () => {
    expect(presets["vision-academy-learning-trust"].requesting.callDirection).toBe("required");
    for (const name of PRESETS.filter((n) => n !== "vision-academy-learning-trust")) expect(presets[name].requesting.callDirection, name).toBe("if-known");
  });

  it("labels its invented schools as placeholders", () => {
    for (const site of presets["vision-academy-learning-trust"].sites) expect(site.name).toMatch(/placeholder/i);
  });
});

describe("LIFE Academies Trust (seed 001)", () => {
  const policy = () => presets["life-academies-trust"];

  it("scopes each principal to their own academy while the CEO covers all", () => {
    const life = policy();
    expect(life.roles.find((r) => r.id === "principal")?.scope).toBe("site");
    const principalA = withRole(life, "principal").find((p) => p.sites.includes("academy-a"))!;
    const ceo = withRole(life, "ceo")[0]!;
    expect(holdsRole(life, principalA, ["principal"], "academy-a")).toBe(true);
    expect(holdsRole(life, principalA, ["principal"], "academy-b")).toBe(false);
    for (const site of life.sites) expect(holdsRole(life, ceo, ["ceo"], site.id)).toBe(true);
  });

  it("needs the CEO or the relevant principal for every purpose", () => {
    for (const purpose of policy().purposes) expect(purpose.approvals.map((s) => s.anyOf)).toEqual([["ceo", "principal"]]);
  });

  it("gives read-only access for 7 days and keeps recordings 12 months", () => {
    expect(formatDuration(policy().playback.accessWindow)).toBe("7 days");
    expect(formatDuration(policy().retention.default)).toBe("12 months");
  });

  it("allows covert monitoring only on the CEO's or relevant principal's authority, and sends SARs to the CEO", () => {
    expect(policy().covertMonitoring).toMatchObject({ allowed: true, authoriserRoles: ["ceo", "principal"] });
    expect(policy().subjectAccess.ownerRoles).toEqual(["ceo"]);
    expect(policy().disclosure.permittedRecipients.map((r) => (typeof r === "string" ? r : r.category))).toEqual(["law-enforcement", "service-provider"]);
  });
});

describe("North Wales Housing (seed 002)", () => {
  const policy = () => presets["north-wales-housing"];

  it("keeps recordings for 90 days and follows the England and Wales bank holidays", () => {
    expect(formatDuration(policy().retention.default)).toBe("90 days");
    expect(policy().organisation.nation).toBe("england-and-wales");
  });

  it("has the six Appendix 1 reasons, each authorised by the three named roles", () => {
    expect(policy().purposes).toHaveLength(6);
    for (const purpose of policy().purposes) expect(purpose.approvals.map((s) => s.anyOf)).toEqual([["cs-team-leader", "ad-communities", "dpo"]]);
    expect(policy().purposes.map((p) => p.id)).toEqual(["health-safety", "crime-asb", "it-support", "staff-investigation", "training-quality", "complaint"]);
  });

  it("sends SARs to the DPO or Finance & Resources Director and lets the Appendix 1 roles release to third parties", () => {
    expect(policy().subjectAccess.ownerRoles).toEqual(["dpo", "finance-resources-director"]);
    expect(policy().disclosure.authoriserRoles).toEqual(["cs-team-leader", "ad-communities", "dpo"]);
  });
});

describe("Oxford Open Learning Trust (seed 003)", () => {
  const policy = () => presets["oxford-open-learning-trust"];

  it("keeps recordings for 3 years", () => {
    expect(formatDuration(policy().retention.default)).toBe("3 years");
  });

  it("lets staff ask only for their own calls", () => {
    const oolt = policy();
    const adviser = withRole(oolt, "staff")[0]!;
    expect(requestablePurposes(oolt, adviser).map((p) => p.id)).toEqual(["own-calls"]);
    expect(purposeById(oolt, "own-calls").ownCallsOnly).toBe(true);
  });

  it("needs the recorded employee's consent for training", () => {
    expect(purposeById(policy(), "training").consent).toBe("recorded-employee");
  });

  it("lets only the four authorised roles request other purposes", () => {
    expect(policy().requesting.roles).toEqual(["customer-service-manager", "head-of-operations", "safeguarding-officer", "director"]);
  });

  it("sends SARs to the Customer Service Manager with a one-month deadline, and names Greg Smith as Head of Operations", () => {
    expect(policy().subjectAccess.ownerRoles).toContain("customer-service-manager");
    expect(formatDuration(policy().subjectAccess.deadline)).toBe("1 month");
    expect(withRole(policy(), "head-of-operations").map((p) => p.name)).toEqual(["Greg Smith"]);
  });
});

describe("ECS (seed 004)", () => {
  const policy = () => presets.ecs;

  it("releases a disciplinary request on the written agreement of the Data Controller or of a Company Director, one approval with a note", () => {
    const ecs = policy();
    const disciplinary = purposeById(ecs, "disciplinary");
    const [director1] = withRole(ecs, "director");
    const controller = withRole(ecs, "data-controller")[0]!;
    expect(disciplinary.approvals.map((s) => s.anyOf)).toEqual([["data-controller", "director"]]);
    expect(filledSlots(ecs, disciplinary.approvals, [director1!])).toBe(1);
    expect(filledSlots(ecs, disciplinary.approvals, [controller])).toBe(1);
    expect(disciplinary.approvalNote?.prompt).toMatch(/written agreement.*consulted the Data Controller/);
  });

  it("has every other purpose authorised by a Company Director alone", () => {
    const others = policy().purposes.filter((p) => p.id !== "disciplinary");
    expect(others).toHaveLength(9);
    for (const purpose of others) expect(purpose.approvals.map((s) => s.anyOf)).toEqual([["director"]]);
  });

  it("asks every requester for the valid reason and the nature of the call, with the number and extension if known", () => {
    for (const purpose of policy().purposes) {
      expect(purpose.reasonPrompt).toMatch(/nature of the call/);
      expect(purpose.minReasonLength).toBeGreaterThanOrEqual(40);
    }
    expect(policy().requesting).toMatchObject({ callTime: "if-known", callNumber: "if-known" });
  });

  it("sends DSARs to the published mailbox and police requests to the Data Controller", () => {
    expect(policy().subjectAccess).toMatchObject({ ownerRoles: ["data-controller"], contact: "gdpr-compliance@ecs-uk-ltd.co.uk" });
    expect(policy().disclosure.authoriserRoles).toEqual(["data-controller"]);
  });
});
