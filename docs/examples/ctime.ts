// Python's time.ctime(): "Mon Mar 27 11:20:21 2017".
export function ctime(date = new Date()): string {
  const [weekday, month, day] = date.toDateString().split(' ');
  return `${weekday} ${month} ${day} ${date.toTimeString().slice(0, 8)} ${date.getFullYear()}`;
}

// The article sleeps 2 s between lines; MULTIPROC_EXAMPLE_WAIT overrides it (the tests use a short wait).
export const WAIT_SECONDS = Number(process.env['MULTIPROC_EXAMPLE_WAIT'] ?? 2);

export const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
