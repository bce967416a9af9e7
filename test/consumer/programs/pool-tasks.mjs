// The pool's task function, in a module of its own: workers import only this module.
export const square = (x) => x * x;
