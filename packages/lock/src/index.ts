/**
 * @multiproc/lock — placeholder: the API lands with its issue (see docs/architecture.md).
 *
 * @packageDocumentation
 */
export {};
