import { describe, expect, it } from 'vitest';
import { isOutOfMemory, messageOf, RdLabError } from './errors';

describe('messageOf', () => {
  it('reads Errors, error-like objects and anything else', () => {
    expect(messageOf(new TypeError('bad type'))).toBe('bad type');
    expect(messageOf({ message: 'from a worker' })).toBe('from a worker');
    expect(messageOf('plain')).toBe('plain');
    expect(messageOf(42)).toBe('42');
    expect(messageOf(null)).toBe('null');
  });
});

describe('isOutOfMemory: the one classifier', () => {
  // Messages as the libraries write them (seen in this project's runs and issues).
  const oom = [
    'RangeError: Array buffer allocation failed',
    'Aborted(Cannot enlarge memory arrays to size 2181038080 bytes (OOM).)',
    "onnxruntime (onnx-wasm) analysis failed: std::bad_alloc",
    'WebGPU out of memory: Not enough memory left.',
    'WebAssembly.Memory.grow(): Maximum memory size exceeded',
    'RuntimeError: memory access out of bounds',
    'failed to allocate a buffer: out of memory',
  ];
  it.each(oom)('%s', (m) => expect(isOutOfMemory(new Error(m))).toBe(true));

  it('takes RangeErrors and typed errors of kind out-of-memory; nothing else', () => {
    expect(isOutOfMemory(new RangeError('Invalid typed array length: 4294967296'))).toBe(true);
    expect(isOutOfMemory(new RdLabError('out-of-memory', 'ran out'))).toBe(true);
    // A typed error is judged by its kind, not by words in its message.
    expect(isOutOfMemory(new RdLabError('decode-failed', 'the file says it is out of memory'))).toBe(false);
    expect(isOutOfMemory(new Error('Unsupported JPEG process'))).toBe(false);
    expect(isOutOfMemory(new Error('zoom out of bounds'))).toBe(false);
    expect(isOutOfMemory('DOOMED')).toBe(false);
  });
});

describe('RdLabError', () => {
  it('is an Error with a kind', () => {
    const e = new RdLabError('x', 'message');
    expect(e).toBeInstanceOf(Error);
    expect(e.kind).toBe('x');
    expect(e.message).toBe('message');
  });
});
