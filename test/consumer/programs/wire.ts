// @multiproc/wire on its own, in TypeScript.
import { Codec } from '@multiproc/wire';

interface Value {
  when: Date;
  sizes: Map<string, bigint>;
  tags: Set<string>;
}

const codec = new Codec();
const value: Value = { when: new Date(0), sizes: new Map([['a', 1n]]), tags: new Set(['x']) };
const back = codec.decode(codec.encode(value), 'consumer') as Value;
console.log(`wire: ${back.when.toISOString()} ${back.sizes.get('a') === 1n} ${back.tags.has('x')}`);
