/**
 * What `reader.read()` resolves to. Spelled out instead of the DOM lib's `ReadableStreamReadResult`, because packages
 * that compile this source (the server) have only Node's types.
 */
export type ReadResult<T> = Awaited<ReturnType<ReadableStreamDefaultReader<T>['read']>>;
