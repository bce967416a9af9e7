/**
 * @multiproc/pipe — placeholder: the API lands with its issue (see docs/architecture.md).
 *
 * @packageDocumentation
 */
export {};
