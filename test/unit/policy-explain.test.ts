import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { explainPolicy } from "../../src/core/policy/explain-policy.ts";
import { loadPolicyFile, parsePolicy } from "../../src/core/policy/load-policy.ts";
import { demoWithout } from "../support/demo-policy.ts";
import { flat, purposeSection } from "../support/policy-report.ts";

let demoText: string;
let demoReport: string;

beforeAll(async () => {
  demoText = await readFile("policies/demo.yml", "utf8");
  demoReport = explainPolicy(parsePolicy(demoText, "demo.yml"));
});

describe("explainPolicy", () => {
  it("opens with the organisation and its sites", () => {
    expect(demoReport.split("\n")[0]).toBe("Call recording policy for Northfield Learning Trust");
    expect(demoReport).toContain("- Northfield Primary Academy (head: Amara Okafor; extensions 101–110)");
  });

  it("says who may request, by role and by name", () => {
    const section = flat(demoReport.slice(demoReport.indexOf("Who may ask for recordings"), demoReport.indexOf("Purposes")));
    expect(section).toContain("- Senior Leadership Team: Amara Okafor, Ben Hughes, Grace Lee");
    expect(section).toContain("- Chief Executive: Farid Khan");
    expect(section).toContain("at most 24 hours of calls");
  });

  it("names who can authorise each purpose and explains site scoping", () => {
    const safeguarding = flat(purposeSection(demoReport, "Safeguarding"));
    expect(safeguarding).toContain("Lawful basis: UK GDPR Article 6(1)(e) public task");
    expect(safeguarding).toContain("Amara Okafor (Principal / Headteacher, for Northfield Primary Academy only)");
    expect(safeguarding).toContain("Farid Khan (Chief Executive)");
    expect(safeguarding).toContain("can approve only requests about calls at their own site");
  });

  it("spells out that a two-approval purpose needs two different people", () => {
    const disciplinary = flat(purposeSection(demoReport, "Disciplinary investigation"));
    expect(disciplinary).toContain("Needs 2 approvals, each from a different person:");
    expect(disciplinary).toContain("Approval 1 of 2, Chief Executive: Farid Khan.");
    expect(disciplinary).toContain("Approval 2 of 2, Data Protection Officer: Carys Evans.");
    expect(disciplinary).toContain("Who may ask: Senior Leadership Team (Amara Okafor, Ben Hughes, Grace Lee).");
  });

  it("states consent, own-calls limits, request types and link lifetime per purpose", () => {
    expect(flat(purposeSection(demoReport, "Staff training"))).toContain("Consent: the recorded member of staff must agree before anyone listens.");
    const own = flat(purposeSection(demoReport, "My own calls"));
    expect(own).toContain("Member of staff (Ellie Shaw), and only about calls they took part in themselves.");
    expect(own).toContain("May be asked for as: a recording or a call log only (no audio).");
    expect(own).toContain("Playback link lasts 7 days.");
  });

  it("covers fulfilment, retention, subject access, disclosure and covert monitoring", () => {
    const report = flat(demoReport);
    expect(report).toContain("Callgate matches the recording itself when exactly one call fits");
    expect(report).toContain("Trust IT Manager (Dev Patel) picks the right one");
    expect(report).toContain("Recordings are kept for 12 months and then deleted");
    expect(report).toContain("Handled by Trust Data Protection Officer (Carys Evans). They must be answered within 1 month, extendable by at most 2 months");
    expect(report).toContain("Only Trust Data Protection Officer (Carys Evans) or Chief Executive (Farid Khan) may authorise");
    expect(report).toContain("Covert monitoring Allowed only in exceptional circumstances, authorised by Chief Executive (Farid Khan), and reviewed every 1 month.");
    expect(report).toContain("Only on one of these grounds, named in each authorisation: - Good cause to suspect that an illegal or unauthorised action is taking place - Grounds to suspect serious misconduct");
  });

  it("says covert monitoring is not allowed when the policy is silent on it", () => {
    const report = flat(explainPolicy(parsePolicy(demoWithout("covertMonitoring"), "demo.yml")));
    expect(report).toMatch(/Covert monitoring Not allowed\./);
    expect(report).not.toContain("Only on one of these grounds");
  });

  it("explains the demo's review date, approval note, preservation, intake, recipients, breach procedure and routes", () => {
    const report = flat(demoReport);
    expect(report).toContain("Written policy: next review due 01/09/2027; reviewed every year by the Trust Data Protection Officer.");
    const disciplinary = flat(purposeSection(demoReport, "Disciplinary investigation"));
    expect(disciplinary).toContain('Each approval must carry a note: "Why is listening to this call necessary for the investigation?" (at least 20 characters), shown to the requester and later authorisers.');
    expect(disciplinary).toContain("The request may name the member of staff it concerns; that person, like anyone who was a party to the call, can never authorise it.");
    expect(flat(purposeSection(demoReport, "Safeguarding"))).not.toContain("Each approval must carry a note");
    expect(report).toContain("Chief Executive (Farid Khan) or Principal / Headteacher (Amara Okafor (for Northfield Primary Academy only), Grace Lee (for Riverside Academy only)) may preserve a recording past its deletion date");
    expect(report).toContain("- Kept for a claim or appeal: kept until released, reviewed every 6 months");
    expect(report).toContain("The policy asks for requests by letter, e-mail, web form, phone or in person; one made another way is still logged.");
    expect(report).toContain("The subject may be given a copy of the audio, a transcript or a chance to hear it in person.");
    expect(report).toContain("- The police, in the prevention or detection of crime (law enforcement): DPA 2018 Schedule 2 Part 1 paragraph 2");
    expect(report).toContain("- Local authority designated officer (LADO) (local authority, also called LADO or Designated Officer):");
    expect(report).toContain("Handled under: Trust Data Breach Procedure.");
    expect(report).toContain("Where people are sent - Complaints: Trust Complaints Procedure, handled by Chief Executive (Farid Khan). - Misuse is dealt with under the Trust Disciplinary Policy. - The supervisory authority: the Information Commissioner's Office, 0303 123 1113, https://ico.org.uk/make-a-complaint/.");
  });

  it("describes per-site and per-class retention and a purpose's own link lifetime", () => {
    const text = demoText
      .replace("retention:\n  default: 12 months\n", "retention:\n  default: 12 months\n  sites:\n    riverside: 6 months\n  classes:\n    voicemail: 30 days\n")
      .replace("    consent: recorded-employee\n", "    consent: recorded-employee\n    accessWindow: 2 days\n");
    const report = flat(explainPolicy(parsePolicy(text, "demo.yml")));
    expect(report).toContain("- Recordings from Riverside Academy: 6 months");
    expect(report).toContain('- Recordings classed as "voicemail": 30 days');
    expect(report).toContain("(Staff training: 2 days)");
    expect(flat(purposeSection(explainPolicy(parsePolicy(text, "demo.yml")), "Staff training"))).toContain("Playback link lasts 2 days.");
  });

  it("describes a fulfiller who always picks, and covert monitoring with its authorisers", async () => {
    const life = flat(explainPolicy(await loadPolicyFile("policies/life-academies-trust.yml")));
    expect(life).toContain("Technical Support Department (Placeholder Technical Support Officer) always picks the recording");
    expect(life).toContain("Allowed only in exceptional circumstances, authorised by Chief Executive Officer (Placeholder Chief Executive) or Academy Principal / Head of Setting");
  });

  it("points out a site where nobody can approve and a role nobody holds", () => {
    const text = demoText.replace("    roles: [slt, principal]\n    sites: [riverside]\n", "    roles: [slt]\n    sites: [riverside]\n").replace("  - id: staff\n    label: Member of staff\n", "  - id: staff\n    label: Member of staff\n  - id: governor\n    label: Governor\n");
    const points = flat(explainPolicy(parsePolicy(text, "demo.yml")).split("Points to check")[1] ?? "");
    expect(points).toContain('Nobody holds the role "Governor".');
    expect(points).not.toContain('Nobody can give "Staff training"');
    expect(points).toContain('Nobody can give "My own calls" for calls at Riverside Academy.');
    // With Grace no longer a principal, the Chief Executive is Riverside's only safeguarding approver.
    expect(points).toContain('Farid Khan may ask for "Safeguarding" about calls at Riverside Academy, but nobody else can approve it there');
    expect(points).not.toContain('Nobody can give "Safeguarding"');
  });

  it.each(["demo", "vision-academy-learning-trust", "life-academies-trust", "north-wales-housing", "oxford-open-learning-trust", "ecs"])("writes %s in British English", async (name) => {
    const report = explainPolicy(await loadPolicyFile(`policies/${name}.yml`));
    expect(report).not.toMatch(/authoriz|organiz|\bcolor\b|\bcenter\b|\bfavor/i);
    expect(report).toContain("authorise");
  });
});
