/**
 * How long a recording is kept: its class's rule if the policy has one, else
 * its site's, else the organisation's default.
 */
import type { PolicyDuration } from "./duration.ts";
import type { Policy } from "./schema.ts";

export function retentionFor(policy: Policy, recording: { siteId?: string | null; retentionClass?: string | null }): PolicyDuration {
  const { retention } = policy;
  if (recording.retentionClass && retention.classes[recording.retentionClass]) return retention.classes[recording.retentionClass]!;
  if (recording.siteId && retention.sites[recording.siteId]) return retention.sites[recording.siteId]!;
  return retention.default;
}
