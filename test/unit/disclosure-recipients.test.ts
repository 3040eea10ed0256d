/**
 * The policy's disclosure section: recipients with a category, aliases and a
 * lawful basis (and the older plain sentences, still read), the recorder who
 * may decide an outside party's request, and the loader's refusals.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.ts";
import { matchRecipient, checkPermittedRecipient } from "../../src/core/disclosure/permitted-recipients.ts";
import { parsePolicy } from "../../src/core/policy/load-policy.ts";
import { RECIPIENT_CATEGORIES, type PolicyInput } from "../../src/core/policy/schema.ts";
import { testPolicy, testPolicyInput } from "../support/test-policy.ts";

const DEMO = readFileSync("policies/demo.yml", "utf8");

function refusal(input: unknown): string {
  try {
    parsePolicy(stringify(input), "x.yml");
  } catch (error) {
    if (error instanceof AppError && error.code === "POLICY_INVALID") return error.message;
    throw error;
  }
  throw new Error("the policy loaded");
}

const withDisclosure = (disclosure: NonNullable<PolicyInput["disclosure"]>): PolicyInput => ({ ...testPolicyInput, disclosure });

describe("who can decide a disclosure", () => {
  it("refuses a policy whose only recorder is its only authoriser, unless the recorder may decide", () => {
    const message = refusal(withDisclosure({ authoriserRoles: ["dpo"] }));
    expect(message).toContain("disclosure.recorderMayAuthorise: nobody could ever authorise a disclosure: carys@trust.example is the only person who may record one and the only authoriser");
    expect(message).toContain("Set recorderMayAuthorise: true");
    expect(testPolicy({ disclosure: { authoriserRoles: ["dpo"], recorderMayAuthorise: true } }).disclosure.recorderMayAuthorise).toBe(true);
  });

  it("keeps separation of duties by default where another person can decide", () => {
    expect(testPolicy({ disclosure: { authoriserRoles: ["dpo", "ceo"] } }).disclosure.recorderMayAuthorise).toBe(false);
    // The DPO records, the chief executive alone authorises.
    expect(testPolicy({ disclosure: { authoriserRoles: ["ceo"], requestableBy: ["dpo"] } }).disclosure.authoriserRoles).toEqual(["ceo"]);
  });

  it("refuses a disclosure nobody may record or nobody may authorise", () => {
    const roles = [...testPolicyInput.roles!, { id: "auditor", label: "External auditor" }];
    expect(refusal({ ...withDisclosure({ authoriserRoles: ["auditor"] }), roles })).toContain("disclosure.authoriserRoles: nobody holds a role that can authorise a disclosure");
    expect(refusal({ ...withDisclosure({ authoriserRoles: ["dpo", "ceo"], requestableBy: ["auditor"] }), roles })).toContain("disclosure.requestableBy: nobody holds a role that can record a disclosure");
  });
});

describe("permitted recipients in the policy file", () => {
  it("says what is wrong with an entry, field by field", () => {
    const message = refusal(
      withDisclosure({
        authoriserRoles: ["dpo", "ceo"],
        permittedRecipients: [
          { id: "hmrc", label: "HMRC", category: "taxman" as never },
          { id: "hmrc", label: "HM Revenue and Customs", category: "tax-authority", alias: ["x"] } as never,
          "",
          { id: "Police!", label: "Police", category: "law-enforcement" },
        ],
      }),
    );
    expect(message).toContain('disclosure.permittedRecipients[0].category: must be one of "law-enforcement"');
    expect(message).toContain('disclosure.permittedRecipients[1].alias: "alias" is not a setting the policy knows');
    expect(message).toContain("disclosure.permittedRecipients[2]: must not be empty");
    expect(message).toContain("disclosure.permittedRecipients[3].id: must be lower-case letters");
    expect(message).not.toContain("Invalid input");
  });

  it("refuses two entries with the same id", () => {
    const entry = { id: "police", label: "Police", category: "law-enforcement" as const };
    expect(refusal(withDisclosure({ authoriserRoles: ["dpo", "ceo"], permittedRecipients: [entry, { ...entry, label: "Constabulary" }] }))).toContain('disclosure.permittedRecipients[1].id: recipient "police" is defined twice');
  });

  it("still reads the older list of sentences, matched by their words", () => {
    const list = testPolicy({ disclosure: { authoriserRoles: ["dpo", "ceo"], permittedRecipients: ["Police (§8)", "HM Revenue & Customs, in the investigation of offences"] } }).disclosure.permittedRecipients;
    expect(list).toEqual(["Police (§8)", "HM Revenue & Customs, in the investigation of offences"]);
    expect(matchRecipient(list, "Thames Valley Police")).toEqual({ id: "entry-1", label: "Police (§8)", category: "unspecified", lawfulBasis: null, chosen: false });
    expect(checkPermittedRecipient(list, "HM Revenue and Customs")).toEqual({ permitted: true, entry: "HM Revenue & Customs, in the investigation of offences" });
  });
});

describe("matching an asking organisation to a recipient", () => {
  const list = testPolicy({
    disclosure: {
      authoriserRoles: ["dpo", "ceo"],
      permittedRecipients: [
        { id: "police", label: "Police forces", category: "law-enforcement", matches: ["police", "constabulary"], lawfulBasis: "DPA 2018 Sch 2 para 2" },
        { id: "hmrc", label: "HM Revenue and Customs", category: "tax-authority", aliases: ["HMRC", "Her Majesty's Revenue and Customs"] },
        { id: "lado", label: "Local authority designated officer", category: "local-authority", aliases: ["LADO"] },
        { id: "named", label: "A third party named on an authorised form", category: "named-on-form", anyOrganisation: true },
      ],
    },
  }).disclosure.permittedRecipients;

  it.each([
    ["North Wales Police", "police"],
    ["NORTH WALES POLICE", "police"],
    ["Dyfed-Powys Police", "police"],
    ["Gwent Constabulary", "police"],
    ["HMRC", "hmrc"],
    ["H.M. Revenue & Customs", "hmrc"],
    ["Her Majesty’s Revenue and Customs", "hmrc"],
    ["hm revenue and customs", "hmrc"],
    ["Surrey County Council LADO", "lado"],
  ])("matches %s as %s", (organisation, id) => {
    expect(matchRecipient(list, organisation)?.id).toBe(id);
  });

  it.each(["Policeman's Ball Ltd", "Acme Insurance", "Revenue Recovery Ltd", "Customs House Cafe", "Ladder Hire"])("does not match %s", (organisation) => {
    expect(matchRecipient(list, organisation)).toBeNull();
  });

  it("admits any organisation under a ground only when it is chosen by id", () => {
    expect(matchRecipient(list, "Acme Insurance", "named")).toMatchObject({ id: "named", category: "named-on-form", chosen: true });
    expect(matchRecipient(list, "Acme Insurance", "police")).toBeNull();
    expect(matchRecipient(list, "Gwent Police", "police")).toMatchObject({ chosen: false, lawfulBasis: "DPA 2018 Sch 2 para 2" });
  });

  it("finds every entry by its label or any alias, whatever the case and spacing around it", () => {
    const named = list.filter((r): r is Exclude<typeof r, string> => typeof r !== "string" && !r.anyOrganisation);
    const names = named.flatMap((r) => [r.label, ...r.aliases].map((name) => [r.id, name] as const));
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.constantFrom("", "The ", "Regional "), fc.constantFrom("", " (Wales)", ", Cardiff office"), fc.boolean(), ([id, name], before, after, upper) => {
        const organisation = `${before}${upper ? name.toUpperCase() : name.toLowerCase()}${after}`;
        expect(matchRecipient(list, organisation)?.id).toBe(id);
      }),
      { numRuns: 200 },
    );
  });

  it("loads any well-formed entry and refuses any category it does not know", () => {
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z &'.-]{0,30}$/);
    fc.assert(
      fc.property(fc.constantFrom(...RECIPIENT_CATEGORIES, "police", "tax"), word, fc.array(word, { maxLength: 3 }), fc.boolean(), (category, label, aliases, anyOrganisation) => {
        const input = withDisclosure({ authoriserRoles: ["dpo", "ceo"], permittedRecipients: [{ id: "entry", label, category: category as never, aliases, anyOrganisation }] });
        const known = (RECIPIENT_CATEGORIES as readonly string[]).includes(category);
        if (known && label.trim().length > 0) expect(parsePolicy(stringify(input), "x.yml").disclosure.permittedRecipients).toHaveLength(1);
        else if (!known) expect(refusal(input)).toContain("permittedRecipients[0].category");
      }),
      { numRuns: 100 },
    );
  });

  it("leaves the demo preset loading", () => {
    expect(parsePolicy(DEMO, "demo.yml").disclosure.permittedRecipients.length).toBeGreaterThan(0);
  });
});
