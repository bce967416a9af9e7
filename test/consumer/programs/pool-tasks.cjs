// The pool's task function, in a module of its own: workers import only this module.
const square = (x) => x * x;
module.exports = { square };
