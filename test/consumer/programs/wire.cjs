// @multiproc/wire on its own, from CommonJS (require() of an ES module, Node >= 20.19).
const { Codec } = require('@multiproc/wire');

const codec = new Codec();
const value = { when: new Date(0), sizes: new Map([['a', 1n]]), tags: new Set(['x']) };
const back = codec.decode(codec.encode(value), 'consumer');
console.log(`wire: ${back.when.toISOString()} ${back.sizes.get('a') === 1n} ${back.tags.has('x')}`);
