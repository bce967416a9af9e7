// Waiting for the state a test names, never for a guessed time.

/**
 * Waits until `probe()` gives what `ok` accepts: the state a case names (the backend saw a waiter, an item came
 * back), never a guess at how long it takes. Fails after `timeoutMs`, which only bounds a hang.
 */
export async function until<T>(what: string, probe: () => Promise<T> | T, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (performance.now() > end) throw new Error(`waited ${timeoutMs} ms for ${what}; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
