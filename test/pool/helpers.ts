// Shared by the pool's test files (test/pool/*.test.ts): a hang made visible with the pool's state.

/** Settles with `promise`, or rejects after `ms` naming `what` and the pool's stats then (a bound on a hang, not a wait). */
export function within<T>(what: string, promise: Promise<T>, stats: () => unknown, ms = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled in ${ms} ms; stats ${JSON.stringify(stats())}`)), ms);
  });
  return Promise.race([promise, hung]).finally(() => clearTimeout(timer));
}
