/**
 * Starts a worker thread running the calling benchmark file itself (with tsx's
 * loader), so load generators and fake platforms run off the main thread that
 * serves the apps being measured.
 */
import { Worker } from "node:worker_threads";

export function selfWorker(moduleUrl: string, role: string): Worker {
  const boot = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl)}); })`;
  return new Worker(boot, { eval: true, workerData: { role } });
}
