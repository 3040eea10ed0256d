/**
 * Runs the core's scheduled jobs on timers. Each job runs again only after its
 * previous run finished, so runs never overlap within one instance; across
 * instances the jobs themselves are safe (they claim work with conditional
 * updates or SKIP LOCKED).
 */
import type { Logger } from "./logger.ts";

export interface ScheduledJob {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

export interface Scheduler {
  /** Stops the timers and waits for running jobs to finish. */
  stop(): Promise<void>;
}

export function startScheduler(jobs: readonly ScheduledJob[], logger: Logger): Scheduler {
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();

  const schedule = (job: ScheduledJob, delay: number) => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const run = job
        .run()
        .then(
          (result) => {
            if (result && typeof result === "object" && Object.values(result).some((v) => typeof v === "number" && v > 0)) logger.info({ job: job.name, result }, "job ran");
          },
          // A failed run is reported and retried at the next tick; the server keeps serving.
          (error: unknown) => logger.error({ job: job.name, err: error }, "job failed"),
        )
        .finally(() => {
          running.delete(run);
          schedule(job, job.everyMs);
        });
      running.add(run);
    }, delay);
    timers.add(timer);
  };
  for (const job of jobs) schedule(job, Math.min(job.everyMs, 1_000));

  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await Promise.allSettled([...running]);
    },
  };
}
