// Least-recently-used cache with a byte budget (encoded results hold decoded pixels: they are big).
export class LruCache<V> {
  private readonly map = new Map<string, { value: V; size: number }>();
  private total = 0;
  constructor(
    private readonly budgetBytes: number,
    private readonly sizeOf: (v: V) => number,
  ) {}

  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  set(key: string, value: V): void {
    const old = this.map.get(key);
    if (old) {
      this.total -= old.size;
      this.map.delete(key);
    }
    const size = this.sizeOf(value);
    this.map.set(key, { value, size });
    this.total += size;
    // Evict the oldest, but always keep the newest entry even if it alone exceeds the budget.
    for (const [k, e] of this.map) {
      if (this.total <= this.budgetBytes || this.map.size <= 1) break;
      this.map.delete(k);
      this.total -= e.size;
    }
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.map.size;
  }
}
