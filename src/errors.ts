// What every layer of RD Lab shares about errors (a leaf module: it imports nothing, so app, codecs, gpu, metrics
// and image may all use it without an arrow back up):
//   - RdLabError, the base of every error RD Lab throws on purpose: a `kind` a caller can switch on and a message
//     a person can act on (CodecError, GpuEngineError, PackageError, ImageInputError… extend it);
//   - messageOf(), the one way to turn anything thrown into text;
//   - isOutOfMemory(), the one test for "this failure was the machine running out of memory", for errors that
//     come from code we do not own (Emscripten glue, onnxruntime, the JS engine).

/** The base of RD Lab's typed errors. `kind` is a short string literal union per subclass. */
export class RdLabError<K extends string = string> extends Error {
  readonly kind: K;
  constructor(kind: K, message: string) {
    super(message);
    this.name = 'RdLabError';
    this.kind = kind;
  }
}

/** The message of anything thrown: an Error's message, else its string form. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
  return String(e);
}

/**
 * How the libraries we run say they ran out of memory:
 *   "out of memory", "OOM"                          — browsers' and onnxruntime's own words; WebGPU's error scope
 *   "bad_alloc"                                     — onnxruntime's C++ (std::bad_alloc, e.g. an untiled 12 MP image)
 *   "allocation failed", "Cannot enlarge memory"    — V8's ArrayBuffer allocation; Emscripten's heap growth
 *   "Maximum memory size exceeded"                  — WebAssembly.Memory.grow() past the module's maximum
 *   "memory access out of bounds"                   — the wasm trap the @jsquash encoders hit when malloc
 *                                                     returned NULL on a huge image (they do not check it)
 */
const OUT_OF_MEMORY = /out of memory|\bOOM\b|bad_alloc|allocation failed|Cannot enlarge memory|Maximum memory size exceeded|memory access out of bounds/i;

/**
 * Whether a failure was the machine (wasm heap, ArrayBuffer, GPU) running out of memory: an RdLabError of kind
 * 'out-of-memory', a RangeError (the JS engine refusing a typed array or a wasm memory), or a message in the
 * words above. The one classifier: the classical codecs' wasm glue, onnxruntime and the learned codecs use it.
 */
export function isOutOfMemory(e: unknown): boolean {
  if (e instanceof RdLabError) return e.kind === 'out-of-memory';
  return e instanceof RangeError || OUT_OF_MEMORY.test(messageOf(e));
}
