// A pipeline: stage processes joined by queues (parse → square → the parent), and a grandchild
// that reaches a queue its grandparent owns. Each stage closes its output when its input is drained,
// so the end of the data flows down the pipeline.
import { Process, Queue, currentProcess, isMainModule } from 'multiproc';

export async function parse(lines: Queue<string>, numbers: Queue<number>) {
  for await (const line of lines) await numbers.put(Number(line));
  await numbers.close();
}

export async function square(numbers: Queue<number>, squares: Queue<number>, log: Queue<string>) {
  // A grandchild: the queue handle passed down twice still reaches the owner (the main process) directly.
  const helper = new Process({ target: report, args: [log, currentProcess().name] }).start();
  for await (const n of numbers) await squares.put(n * n);
  await squares.close();
  await helper.join();
}

export async function report(log: Queue<string>, parentName: string) {
  await log.put(`a grandchild of the main process, started by ${parentName}`);
}

if (isMainModule(import.meta)) {
  const [lines, numbers, squares, log] = [new Queue<string>(), new Queue<number>(), new Queue<number>(), new Queue<string>()];
  const stages = [
    new Process({ target: parse, args: [lines, numbers], name: 'parse' }),
    new Process({ target: square, args: [numbers, squares, log], name: 'square' }),
  ];
  for (const stage of stages) stage.start();
  for (const line of ['1', '2', '3', '4']) await lines.put(line);
  await lines.close();
  const results: number[] = [];
  for await (const s of squares) results.push(s);
  console.log(`squares: ${results.join(' ')}`);
  console.log(await log.get());
  for (const stage of stages) await stage.join();
  console.log(`exit codes: ${stages.map((s) => s.exitCode).join(' ')}`);
}
